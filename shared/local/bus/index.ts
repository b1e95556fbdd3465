export * from './errors';
export * from './localServiceBus';
export * from './messages';
export * from './serviceBusTriggers';

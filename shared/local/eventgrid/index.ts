export * from './errors';
export * from './localEventGrid';
export * from './schemas';

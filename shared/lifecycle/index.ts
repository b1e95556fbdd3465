/**
 * The pure lifecycle core: phases, the transition table, `decide`, the guards, placement,
 * scaling and alert classification. No I/O, no clock, no Azure SDK (enforced by
 * .dependency-cruiser.cjs and the lint rules for this folder).
 */
export * from './alerts/classifyAlert';
export * from './alerts/commonAlertSchema';
export * from './canary';
export * from './conditions';
export * from './decide';
export { RECONCILER_ACTOR } from './decide/cause';
export * from './decide/healthAlerts';
export * from './decision';
export * from './effects';
export * from './effectSchema';
export * from './events';
export * from './eventSchema';
export * from './fleet';
export * from './guards/blastRadius';
export * from './guards/minInRotation';
export * from './guards/retention';
export * from './guardView';
export * from './newStamp';
export * from './operatorCommands';
export * from './phase';
export * from './placement';
export * from './planFleet';
export * from './policy';
export * from './ramp';
export * from './regionBlock';
export * from './regionCounts';
export * from './regionDesired';
export * from './regionStatus';
export * from './scaling';
export * from './stamp';
export * from './stampNames';
export * from './time';
export * from './timers';
export * from './transitionTable';
export * from './waitingFor';

/**
 * The names the function app registers for the stamp orchestration, apart from their code, so
 * that registering them loads none of it (functions/stampLifecycle.ts).
 */

/** The orchestration of one stamp; its instance id is the stamp id. */
export const STAMP_LIFECYCLE = 'stampLifecycle';

/** Every activity of the orchestration; `activities.ts` defines exactly these. */
export const ACTIVITY_NAMES = [
  'applyStampEvents',
  'startDeployment',
  'getDeployment',
  'registerOrigin',
  'setOriginWeight',
  'compareCanary',
  'setOriginEnabled',
  'removeOrigin',
  'checkOriginHealth',
  'scheduleDrainTimer',
  'cancelDrainTimer',
  'inFlightRequests',
  'preserveDiagnostics',
  'startQuarantineChecks',
  'getQuarantineChecks',
  'startWorkloadDeletion',
  'getWorkloadDeletion',
  'archiveRecords',
  'releaseArchive',
  'schedulePurge',
  'unschedulePurge',
  'startResourceGroupDeletion',
  'getResourceGroupDeletion',
  'requestFleetReconciliation',
  'notifyReplacedStamp',
  'publishLifecycleEvent',
] as const;

export type ActivityName = (typeof ACTIVITY_NAMES)[number];

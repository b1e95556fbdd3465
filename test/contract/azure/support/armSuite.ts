import { perSuite } from '../../../support/lifetime';
import { type ArmStandIn, startArmStandIn } from './armStandIn';

/**
 * One ARM stand-in for a suite: started before it, closed after it, and before each test its
 * recorded calls and events cleared and its injected failures and page size back to defaults;
 * `onReset` then builds what the test uses from it.
 */
export function armStandInSuite(onReset?: (arm: ArmStandIn) => void): () => ArmStandIn {
  return perSuite(
    () => startArmStandIn(),
    (arm) => arm.close(),
    (arm) => {
      arm.calls.length = 0;
      arm.events.length = 0;
      arm.deploymentStartFailure = undefined;
      arm.originPageSize = 100;
      onReset?.(arm);
    },
  );
}

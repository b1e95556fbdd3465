import type { InvocationContext } from '@azure/functions';

import { type ActivityName, runActivity } from '../../shared/app/orchestration/activities';
import { encodeActivityError } from '../../shared/app/orchestration/activityErrors';
import { stampLifecycleOrchestrator } from '../../shared/app/orchestration/stampLifecycleOrchestrator';
import { services } from '../../shared/app/services';

/** Runs one activity of the stamp orchestration; failures carry their code and retryability. */
export function activityHandler(name: ActivityName) {
  return async (input: unknown, context: InvocationContext): Promise<unknown> => {
    try {
      return await runActivity(await services(), name, input);
    } catch (error) {
      const encoded = encodeActivityError(error);
      context.warn(`activity ${name} failed: ${encoded.message}`);
      throw encoded;
    }
  };
}

export { stampLifecycleOrchestrator };

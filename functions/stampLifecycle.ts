import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

import { ACTIVITIES, type ActivityName, runActivity } from '../shared/app/orchestration/activities';
import { encodeActivityError } from '../shared/app/orchestration/activityErrors';
import {
  STAMP_LIFECYCLE,
  stampLifecycleOrchestrator,
} from '../shared/app/orchestration/stampLifecycleOrchestrator';
import { services } from '../shared/app/services';

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

df.app.orchestration(STAMP_LIFECYCLE, stampLifecycleOrchestrator);
for (const name of Object.keys(ACTIVITIES) as ActivityName[]) {
  df.app.activity(name, { handler: activityHandler(name) });
}

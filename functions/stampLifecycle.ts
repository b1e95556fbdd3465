import * as df from 'durable-functions';

import { ACTIVITY_NAMES, STAMP_LIFECYCLE } from '../shared/app/orchestration/names';
import type * as StampLifecycle from './handlers/stampLifecycle';
import { handlerModule, lazyHandler } from './lazy';

const lifecycle = handlerModule<typeof StampLifecycle>('./handlers/stampLifecycle');

// A generator of its own that delegates: the library drives what it registers as a generator.
df.app.orchestration(STAMP_LIFECYCLE, function* stampLifecycle(context) {
  return yield* lifecycle().stampLifecycleOrchestrator(context);
});
for (const name of ACTIVITY_NAMES) {
  df.app.activity(name, { handler: lazyHandler(() => lifecycle().activityHandler(name)) });
}

import { app } from '@azure/functions';
import * as df from 'durable-functions';

import type * as StampSignals from './handlers/stampSignals';
import { handlerModule, lazyHandler } from './lazy';

const stampSignals = handlerModule<typeof StampSignals>('./handlers/stampSignals');

app.eventGrid('onStampSignal', {
  extraInputs: [df.input.durableClient()],
  handler: lazyHandler(() => stampSignals().handlers.onStampSignal),
});

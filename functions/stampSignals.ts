import { app } from '@azure/functions';
import * as df from 'durable-functions';

import type * as StampSignals from './handlers/stampSignals';
import { handlerModule, onFirstCall } from './lazy';

const stampSignals = handlerModule<typeof StampSignals>('./handlers/stampSignals');

app.eventGrid('onStampSignal', {
  extraInputs: [df.input.durableClient()],
  handler: onFirstCall(() => stampSignals().handlers.onStampSignal),
});

import { app } from '@azure/functions';
import * as df from 'durable-functions';

import type * as Sweeps from './handlers/sweeps';
import { handlerModule, lazyHandler } from './lazy';

const sweeps = handlerModule<typeof Sweeps>('./handlers/sweeps');

app.timer('retentionSweep', {
  schedule: '0 0 * * * *',
  extraInputs: [df.input.durableClient()],
  handler: lazyHandler(() => sweeps().handlers.retentionSweep),
});
app.timer('reconciliationSweep', {
  schedule: '0 */5 * * * *',
  extraInputs: [df.input.durableClient()],
  handler: lazyHandler(() => sweeps().handlers.reconciliationSweep),
});

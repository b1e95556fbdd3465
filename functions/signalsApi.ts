import { app } from '@azure/functions';

import type * as SignalsApi from './handlers/signalsApi';
import { handlerModule, lazyHandler } from './lazy';

const signals = handlerModule<typeof SignalsApi>('./handlers/signalsApi');

app.http('listSignals', {
  route: 'signals',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: lazyHandler(() => signals().handlers.listSignals),
});

import { app } from '@azure/functions';

import type * as SignalsApi from './handlers/signalsApi';
import { handlerModule, onFirstCall } from './lazy';

const signals = handlerModule<typeof SignalsApi>('./handlers/signalsApi');

app.http('listSignals', {
  route: 'signals',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: onFirstCall(() => signals().handlers.listSignals),
});

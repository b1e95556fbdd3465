import { app } from '@azure/functions';

import type * as Alerts from './handlers/alerts';
import { handlerModule, lazyHandler } from './lazy';

const alerts = handlerModule<typeof Alerts>('./handlers/alerts');

app.http('alerts', {
  route: 'alerts',
  methods: ['POST'],
  // Anonymous to the host: the action group's token or the receiver's key is checked in `alertRoute`.
  authLevel: 'anonymous',
  handler: lazyHandler(() => alerts().handlers.alerts),
});

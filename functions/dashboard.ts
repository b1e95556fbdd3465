import { app } from '@azure/functions';

import type * as Dashboard from './handlers/dashboard';
import { handlerModule, lazyHandler } from './lazy';

const dashboard = handlerModule<typeof Dashboard>('./handlers/dashboard');

app.http('dashboard', {
  route: 'dashboard',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: lazyHandler(() => dashboard().handlers.dashboard),
});

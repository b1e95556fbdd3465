import { app } from '@azure/functions';

import type * as OpenApi from './handlers/openApi';
import { handlerModule, lazyHandler } from './lazy';

const openApi = handlerModule<typeof OpenApi>('./handlers/openApi');

app.http('openApi', {
  route: 'openapi.json',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: lazyHandler(() => openApi().handlers.openApi),
});

import { app } from '@azure/functions';

import type * as IdentityApi from './handlers/identityApi';
import { handlerModule, lazyHandler } from './lazy';

const identity = handlerModule<typeof IdentityApi>('./handlers/identityApi');

app.http('whoAmI', {
  route: 'me',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: lazyHandler(() => identity().handlers.whoAmI),
});

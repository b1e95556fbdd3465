import { app } from '@azure/functions';

import type * as RegionsApi from './handlers/regionsApi';
import { handlerModule, lazyHandler } from './lazy';

const regions = handlerModule<typeof RegionsApi>('./handlers/regionsApi');

app.http('listRegions', {
  route: 'regions',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: lazyHandler(() => regions().handlers.listRegions),
});
app.http('getRegion', {
  route: 'regions/{name}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: lazyHandler(() => regions().handlers.getRegion),
});
app.http('putRegion', {
  route: 'regions/{name}',
  methods: ['PUT'],
  authLevel: 'anonymous',
  handler: lazyHandler(() => regions().handlers.putRegion),
});

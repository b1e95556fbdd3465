import { app } from '@azure/functions';

import type * as RegionsApi from './handlers/regionsApi';
import { handlerModule, onFirstCall } from './lazy';

const regions = handlerModule<typeof RegionsApi>('./handlers/regionsApi');

app.http('listRegions', {
  route: 'regions',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: onFirstCall(() => regions().handlers.listRegions),
});
app.http('getRegion', {
  route: 'regions/{name}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: onFirstCall(() => regions().handlers.getRegion),
});
app.http('putRegion', {
  route: 'regions/{name}',
  methods: ['PUT'],
  authLevel: 'anonymous',
  handler: onFirstCall(() => regions().handlers.putRegion),
});

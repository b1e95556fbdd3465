import { app } from '@azure/functions';

import type * as ObservabilityApi from './handlers/observabilityApi';
import { handlerModule, lazyHandler } from './lazy';

const observability = handlerModule<typeof ObservabilityApi>('./handlers/observabilityApi');

app.http('listIncidents', {
  route: 'incidents',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: lazyHandler(() => observability().handlers.listIncidents),
});
app.http('getMetrics', {
  route: 'metrics',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: lazyHandler(() => observability().handlers.getMetrics),
});

import { app } from '@azure/functions';

import type * as ObservabilityApi from './handlers/observabilityApi';
import { handlerModule, onFirstCall } from './lazy';

const observability = handlerModule<typeof ObservabilityApi>('./handlers/observabilityApi');

app.http('listIncidents', {
  route: 'incidents',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: onFirstCall(() => observability().handlers.listIncidents),
});
app.http('getMetrics', {
  route: 'metrics',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: onFirstCall(() => observability().handlers.getMetrics),
});

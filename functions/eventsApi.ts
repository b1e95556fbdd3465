import { app } from '@azure/functions';

import type * as EventsApi from './handlers/eventsApi';
import { handlerModule, lazyHandler } from './lazy';

const events = handlerModule<typeof EventsApi>('./handlers/eventsApi');

app.http('fleetEvents', {
  route: 'events',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: lazyHandler(() => events().handlers.fleetEvents),
});

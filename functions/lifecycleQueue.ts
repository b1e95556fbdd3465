import { app } from '@azure/functions';
import * as df from 'durable-functions';

import { LIFECYCLE_QUEUE } from '../shared/ports/lifecycleBus';
import type * as LifecycleQueue from './handlers/lifecycleQueue';
import { handlerModule, lazyHandler } from './lazy';

const queue = handlerModule<typeof LifecycleQueue>('./handlers/lifecycleQueue');

app.serviceBusQueue('onLifecycleMessage', {
  connection: 'ServiceBusConnection',
  queueName: LIFECYCLE_QUEUE,
  isSessionsEnabled: true,
  extraInputs: [df.input.durableClient()],
  handler: lazyHandler(() => queue().handlers.onLifecycleMessage),
});

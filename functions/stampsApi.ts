import { app } from '@azure/functions';
import * as df from 'durable-functions';

import type { OperatorCommand } from '../shared/lifecycle/operatorCommands';
import type * as StampsApi from './handlers/stampsApi';
import { handlerModule, lazyHandler } from './lazy';

const stamps = handlerModule<typeof StampsApi>('./handlers/stampsApi');
const client = [df.input.durableClient()];

app.http('createStamp', {
  route: 'stamps',
  methods: ['POST'],
  authLevel: 'anonymous',
  extraInputs: client,
  handler: lazyHandler(() => stamps().handlers.createStamp),
});
app.http('listStamps', {
  route: 'stamps',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: lazyHandler(() => stamps().handlers.listStamps),
});
app.http('getStamp', {
  route: 'stamps/{id}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: lazyHandler(() => stamps().handlers.getStamp),
});
app.http('getStampHistory', {
  route: 'stamps/{id}/history',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: lazyHandler(() => stamps().handlers.getStampHistory),
});
app.http('getStampArchive', {
  route: 'stamps/{id}/archive',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: lazyHandler(() => stamps().handlers.getStampArchive),
});

/**
 * The Functions names of the command routes, kept as they were registered before the table; one
 * per operator command (the type makes a new command fail to compile until it is named here).
 */
const COMMAND_FUNCTIONS: Record<OperatorCommand, string> = {
  drain: 'drainStamp',
  isolate: 'isolateStamp',
  verify: 'verifyStamp',
  rejoin: 'rejoinStamp',
  'cancel-drain': 'cancelDrain',
  'pause-ramp': 'pauseRamp',
  'continue-ramp': 'continueRamp',
  'skip-ramp': 'skipRamp',
  cleanup: 'cleanupStamp',
};
for (const [command, name] of Object.entries(COMMAND_FUNCTIONS) as [OperatorCommand, string][]) {
  const handler = lazyHandler(() => stamps().commandHandler(command));
  app.http(name, {
    route: `stamps/{id}/${command}`,
    methods: ['POST'],
    authLevel: 'anonymous',
    extraInputs: client,
    handler,
  });
}

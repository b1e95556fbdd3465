import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { app } from '@azure/functions';
import * as df from 'durable-functions';

import type { FunctionRegistry } from '../../shared/local/host/functionRegistry';
import { createInvocationContext, invokeFunction } from '../../shared/local/host/invokeFunction';
import { loadFixtures } from './harness';

describe('local host core: @azure/functions-core and the function registry', () => {
  let registry: FunctionRegistry;
  before(async () => {
    registry = await loadFixtures();
  });

  it('captures every trigger family with its metadata', () => {
    const http = registry.get('httpStart', 'http');
    assert.equal(http.trigger.type, 'httpTrigger');
    assert.equal(http.trigger['route'], 'orchestrators/{name}/{instanceId?}');
    assert.deepEqual(http.trigger['methods'], ['POST']);
    assert.equal(registry.get('timerPurge', 'timer').trigger['schedule'], '0 */5 * * * *');
    const serviceBus = registry.get('serviceBusRaise', 'serviceBus');
    assert.equal(serviceBus.trigger['queueName'], 'stamp-lifecycle');
    assert.equal(serviceBus.trigger['connection'], 'ServiceBus');
    assert.equal(registry.get('eventGridStart', 'eventGrid').trigger.type, 'eventGridTrigger');
    assert.equal(registry.get('sequence', 'orchestration').trigger.type, 'orchestrationTrigger');
    assert.equal(registry.get('double', 'activity').trigger.type, 'activityTrigger');
    assert.equal(registry.list('orchestration').length, 15);
    assert.equal(registry.list('activity').length, 7);
    const inputs = Object.values(http.metadata.bindings).filter(
      (b) => b.direction === 'in' && b.type === 'durableClient',
    );
    assert.equal(inputs.length, 1);
  });

  it('looks functions up case-insensitively and refuses a duplicate name', () => {
    assert.equal(registry.find('SEQUENCE')?.name, 'sequence');
    assert.throws(() => df.app.activity('Double', { handler: () => 1 }), {
      name: 'FunctionAlreadyRegisteredError',
      code: 'FunctionAlreadyRegistered',
    });
    assert.throws(() => registry.get('nope', 'http'), {
      name: 'FunctionNotFoundError',
      code: 'FunctionNotFound',
    });
    assert.throws(() => registry.get('double', 'http'), { name: 'FunctionNotFoundError' });
  });

  it('binds an extra input by type where df.getClient looks for it', async () => {
    const data = {
      taskHubName: 'hub',
      creationUrls: { createNewInstancePostUri: 'http://127.0.0.1:1/x' },
      managementUrls: { id: 'INSTANCEID', statusQueryGetUri: 'http://127.0.0.1:1/y' },
      rpcBaseUrl: 'http://127.0.0.1:1/durabletask/',
    };
    const fn = registry.get('httpStart', 'http');
    const context = createInvocationContext(fn, { inputsByType: { durableClient: data } });
    assert.equal(context.functionName, 'httpStart');
    const client = df.getClient(context);
    assert.equal(client.taskHubName, 'hub');

    app.http('echoInputs', {
      route: 'echo',
      extraInputs: [df.input.durableClient()],
      handler: (_request, ctx) => ({ jsonBody: ctx.extraInputs.get(ctx.options.extraInputs[0] ?? 'none') }),
    });
    const { result } = await invokeFunction(registry.get('echoInputs', 'http'), undefined, {
      inputsByType: { durableClient: data },
    });
    assert.deepEqual(result, { jsonBody: data });
  });
});

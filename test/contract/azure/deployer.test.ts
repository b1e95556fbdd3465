import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';

import { ResourceManagementClient } from '@azure/arm-resources';

import {
  ARM_SCOPE,
  type ArmDeployer,
  createAzureAdapters,
  DEFAULT_STAMP_TEMPLATE_PATH,
  loadStampTemplate,
  mapAzureError,
} from '../../../shared/azure';
import {
  ConflictError,
  NotFoundError,
  TerminalError,
  TransientError,
  ValidationError,
} from '../../../shared/errors';
import { deploymentName } from '../../../shared/lifecycle/stampNames';
import type { StampDeploymentRequest } from '../../../shared/ports/deployer';
import { STAMP_TEMPLATE_PARAMETERS } from '../../../shared/ports/stampTemplate';
import { appSubscriptionGrants, controlPlaneSnapshot } from '../../infra/controlPlaneGrants';
import { type ArmStandIn, startArmStandIn } from './support/armStandIn';
import { armStandInSuite } from './support/armSuite';
import {
  ACTION_GROUP_ID,
  azureConfig,
  FIXTURE_TEMPLATE,
  STATIC_TOKEN,
  StaticTokenCredential,
  SUBSCRIPTION_ID,
  WORKSPACE_ID,
} from './support/fixtures';

const API = '2025-03-01';
const DEPLOYMENTS = `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Resources/deployments`;

function request(stampId: string, generation = 1): StampDeploymentRequest {
  return { stampId, region: 'westeurope', generation, deploymentName: deploymentName(stampId, generation) };
}

/** The id the templates once had for Azure Service Bus Data Receiver: no role has it. */
const WRONG_SERVICE_BUS_RECEIVER_ID = '4f6d3b9b-027b-4f4f-9142-0e5a2a0247e0';

/** A subscription-scope template with one role assignment of the given role definition. */
function templateAssigningRole(roleId: string): Record<string, unknown> {
  return {
    ...FIXTURE_TEMPLATE,
    resources: [
      {
        type: 'Microsoft.Authorization/roleAssignments',
        apiVersion: '2022-04-01',
        name: "[guid(subscription().id, parameters('stampId'))]",
        properties: {
          roleDefinitionId: `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${roleId}')]`,
          principalId: '00000000-0000-0000-0000-00000000c0de',
          principalType: 'ServicePrincipal',
        },
      },
    ],
  };
}

function deployerFor(arm: ArmStandIn, credential: StaticTokenCredential, maxRetries?: number): ArmDeployer {
  return createAzureAdapters(azureConfig(), {
    credential,
    arm: {
      endpoint: arm.endpoint,
      credentialScopes: [ARM_SCOPE],
      agent: arm.agent,
      ...(maxRetries === undefined ? {} : { retryOptions: { maxRetries } }),
    },
    template: () => Promise.resolve(FIXTURE_TEMPLATE),
    updateIntervalInMs: 5,
  }).deployer;
}

/** Asserts the typed error and that nothing in it, cause included, shows the bearer token. */
function assertTyped<T extends Error>(
  type: new (...args: never[]) => T,
  check?: (error: T) => void,
): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${inspect(error)}`);
    assert.ok(!error.message.includes(STATIC_TOKEN));
    assert.ok(!inspect(error, { depth: 8 }).includes(STATIC_TOKEN), 'the token leaks through inspect()');
    assert.ok(error.cause !== undefined, 'the cause is kept');
    check?.(error);
    return true;
  };
}

void describe('ArmDeployer against the ARM stand-in (arm-resources 6.1.0)', () => {
  let credential: StaticTokenCredential;
  let deployer: ArmDeployer;
  let noRetry: ArmDeployer;

  /** The next `method` on the deployment `name` answers `status` with an ARM error. */
  const failDeployment = (
    method: 'GET' | 'PUT',
    name: string,
    status: number,
    code: string,
    message: string,
    headers?: Record<string, string>,
  ): void =>
    arm().failNext({
      method,
      path: new RegExp(`deployments/${name}$`),
      status,
      ...(headers === undefined ? {} : { headers }),
      body: { error: { code, message } },
    });
  const arm = armStandInSuite((standIn) => {
    credential = new StaticTokenCredential();
    deployer = deployerFor(standIn, credential);
    noRetry = deployerFor(standIn, credential, 0);
  });

  void it('starts with one PUT of the subscription-scope deployment and returns while it runs', async () => {
    await deployer.startDeployment(request('weu-001'));
    const [read, put, poll, ...rest] = arm().calls;
    assert.deepEqual(rest, []);
    assert.deepEqual(
      [read, put, poll].map((c) => [c?.method, c?.path, c?.apiVersion]),
      [
        ['GET', `${DEPLOYMENTS}/stamp-weu-001-1`, API],
        ['PUT', `${DEPLOYMENTS}/stamp-weu-001-1`, API],
        [
          'GET',
          `${DEPLOYMENTS}/stamp-weu-001-1/operationStatuses/${arm().deployment('stamp-weu-001-1')?.operationId}`,
          API,
        ],
      ],
    );
    assert.deepEqual(put?.body, {
      location: 'westeurope',
      properties: {
        mode: 'Incremental',
        template: FIXTURE_TEMPLATE,
        parameters: {
          stampId: { value: 'weu-001' },
          location: { value: 'westeurope' },
          environment: { value: 'production' },
          generation: { value: 1 },
          logAnalyticsWorkspaceId: { value: WORKSPACE_ID },
          actionGroupResourceId: { value: ACTION_GROUP_ID },
        },
      },
    });
    for (const call of arm().calls) assert.equal(call.authorization, `Bearer ${STATIC_TOKEN}`);
    assert.deepEqual([...new Set(credential.scopes)], [ARM_SCOPE]);
    assert.deepEqual(await deployer.getDeployment('stamp-weu-001-1'), { state: 'Running' });
  });

  void it('reads Running → Succeeded through status reads, with every output as a string', async () => {
    await deployer.startDeployment(request('weu-002'));
    assert.deepEqual(await deployer.getDeployment('stamp-weu-002-1'), { state: 'Running' });
    arm().finishDeployment('stamp-weu-002-1', {
      state: 'Succeeded',
      outputs: {
        originHostName: { type: 'String', value: 'weu-002.example.net' },
        resourceGroupName: { type: 'String', value: 'rg-synaxis-stamp-weu-002' },
        nodeCount: { type: 'Int', value: 3 },
        privateEndpoints: { type: 'Array', value: ['a', 'b'] },
        zoneRedundant: { type: 'Bool', value: true },
      },
    });
    arm().calls.length = 0;
    assert.deepEqual(await deployer.getDeployment('stamp-weu-002-1'), {
      state: 'Succeeded',
      outputs: {
        originHostName: 'weu-002.example.net',
        resourceGroupName: 'rg-synaxis-stamp-weu-002',
        nodeCount: '3',
        privateEndpoints: '["a","b"]',
        zoneRedundant: 'true',
      },
    });
    assert.deepEqual(
      arm().calls.map((c) => [c.method, c.path, c.apiVersion]),
      [['GET', `${DEPLOYMENTS}/stamp-weu-002-1`, API]],
    );
  });

  void it('reads Running → Failed with the most specific ARM code and the details in the message', async () => {
    await deployer.startDeployment(request('weu-003'));
    arm().finishDeployment('stamp-weu-003-1', {
      state: 'Failed',
      error: {
        code: 'DeploymentFailed',
        message: 'At least one resource deployment operation failed.',
        details: [
          {
            code: 'QuotaExceeded',
            message:
              'Operation could not be completed as it results in exceeding approved standardDSv5Family Cores quota.',
          },
        ],
      },
    });
    assert.deepEqual(await deployer.getDeployment('stamp-weu-003-1'), {
      state: 'Failed',
      code: 'QuotaExceeded',
      message:
        'At least one resource deployment operation failed.; QuotaExceeded: Operation could not be completed as it results in exceeding approved standardDSv5Family Cores quota.',
    });
  });

  void it('reports a canceled deployment as Failed', async () => {
    await deployer.startDeployment(request('weu-004'));
    arm().finishDeployment('stamp-weu-004-1', { state: 'Canceled' });
    const status = await deployer.getDeployment('stamp-weu-004-1');
    assert.equal(status.state, 'Failed');
    assert.equal(status.state === 'Failed' ? status.code : '', 'DeploymentCanceled');
  });

  void it('a succeeded deployment without originHostName is a TerminalError', async () => {
    await deployer.startDeployment(request('weu-005'));
    arm().finishDeployment('stamp-weu-005-1', { state: 'Succeeded', outputs: {} });
    await assert.rejects(deployer.getDeployment('stamp-weu-005-1'), (error: unknown) => {
      assert.ok(error instanceof TerminalError);
      assert.equal(error.code, 'OutputMissing');
      return true;
    });
  });

  void it('a second start of the same name creates nothing, while running and after success', async () => {
    await deployer.startDeployment(request('weu-006'));
    await deployer.startDeployment(request('weu-006'));
    arm().finishDeployment('stamp-weu-006-1', {
      state: 'Succeeded',
      outputs: { originHostName: { type: 'String', value: 'weu-006.example.net' } },
    });
    await deployer.startDeployment(request('weu-006'));
    assert.equal(arm().calls.filter((c) => c.method === 'PUT').length, 1);
    assert.equal(arm().deployment('stamp-weu-006-1')?.puts, 1);
    assert.equal((await deployer.getDeployment('stamp-weu-006-1')).state, 'Succeeded');
    // A new generation is a new deployment.
    await deployer.startDeployment(request('weu-006', 2));
    assert.equal(arm().calls.filter((c) => c.method === 'PUT').length, 2);
  });

  void it('a start of a failed or canceled deployment PUTs it again, which runs it again (issue 11, defect 3)', async () => {
    await deployer.startDeployment(request('weu-016'));
    arm().finishDeployment('stamp-weu-016-1', {
      state: 'Failed',
      error: {
        code: 'DeploymentFailed',
        message: 'failed',
        details: [{ code: 'InternalServerError', message: 'x' }],
      },
    });
    await deployer.startDeployment(request('weu-016'));
    assert.equal(arm().deployment('stamp-weu-016-1')?.puts, 2);
    assert.deepEqual(await deployer.getDeployment('stamp-weu-016-1'), { state: 'Running' });
    arm().finishDeployment('stamp-weu-016-1', { state: 'Canceled' });
    await deployer.startDeployment(request('weu-016'));
    assert.equal(arm().deployment('stamp-weu-016-1')?.puts, 3);
    // While it runs, another start changes nothing.
    await deployer.startDeployment(request('weu-016'));
    assert.equal(arm().deployment('stamp-weu-016-1')?.puts, 3);
  });

  void it('a start that lost a race (read 404, then PUT 409 DeploymentActive) succeeds without a second deployment', async () => {
    await deployer.startDeployment(request('weu-007'));
    // The second start reads before the first one's PUT landed: a 404, as in a real race.
    failDeployment('GET', 'stamp-weu-007-1', 404, 'DeploymentNotFound', 'not found');
    await deployer.startDeployment(request('weu-007'));
    const puts = arm().calls.filter((c) => c.method === 'PUT');
    assert.equal(puts.length, 2);
    assert.equal(arm().deployment('stamp-weu-007-1')?.puts, 1, 'ARM kept the first deployment');
  });

  void it('refuses a deployment name that is not the deterministic one, before any call', async () => {
    await assert.rejects(
      deployer.startDeployment({ ...request('weu-008'), deploymentName: 'stamp-weu-008-2' }),
      ValidationError,
    );
    await assert.rejects(
      deployer.startDeployment({ ...request('weu-008'), deploymentName: 'x'.repeat(65) }),
      ValidationError,
    );
    assert.deepEqual(arm().calls, []);
  });

  void it('a deployment unknown to ARM is a NotFoundError (404)', async () => {
    await assert.rejects(deployer.getDeployment('stamp-nope-1'), assertTyped(NotFoundError));
  });

  void describe('the three error shapes', () => {
    void it('shape 1, a synchronous 400 InvalidTemplate: RestError → TerminalError with its code', async () => {
      arm().failNext({
        method: 'PUT',
        path: /deployments\/stamp-weu-010-1$/,
        status: 400,
        body: {
          error: {
            code: 'InvalidTemplate',
            message:
              "Deployment template validation failed: 'The template parameter 'stampId' is not valid.'",
          },
        },
      });
      await assert.rejects(
        deployer.startDeployment(request('weu-010')),
        assertTyped(TerminalError, (error) => {
          assert.equal(error.code, 'InvalidTemplate');
          assert.match(
            error.message,
            /start deployment stamp-weu-010-1: 400 InvalidTemplate: Deployment template validation failed/,
          );
          assert.equal((error.cause as { statusCode?: number }).statusCode, 400);
        }),
      );
    });

    void it('shape 2, a failure seen while polling Azure-AsyncOperation: a plain Error, mapped by its code', async () => {
      // The raw SDK first, to pin the shape this adapter relies on.
      arm().deploymentStartFailure = {
        code: 'DeploymentFailed',
        message: 'The resource write operation failed.',
      };
      const client = new ResourceManagementClient(credential, SUBSCRIPTION_ID, {
        endpoint: arm().endpoint.replace(/\/$/, ''),
        credentialScopes: [ARM_SCOPE],
        agent: arm().agent,
      });
      const thrown = await client.deployments
        .beginCreateOrUpdateAtSubscriptionScopeAndWait(
          'stamp-raw-1',
          { location: 'westeurope', properties: { mode: 'Incremental', template: FIXTURE_TEMPLATE } },
          { updateIntervalInMs: 5 },
        )
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      assert.ok(thrown instanceof Error);
      assert.equal(thrown.constructor, Error);
      assert.equal((thrown as { statusCode?: unknown }).statusCode, undefined);
      assert.match(thrown.message, /^The long-running operation has failed\. DeploymentFailed\. /);
      assert.ok(
        assertTyped(TerminalError, (error) => assert.equal(error.code, 'DeploymentFailed'))(
          mapAzureError(thrown, 'deploy'),
        ),
      );

      // Through the adapter: the deployment exists, so start succeeds and the status says why.
      await deployer.startDeployment(request('weu-011'));
      assert.deepEqual(await deployer.getDeployment('stamp-weu-011-1'), {
        state: 'Failed',
        code: 'DeploymentFailed',
        message: 'The resource write operation failed.',
      });
    });

    void it('shape 3, a failure on a Location poll (resource group delete, 409 ScopeLocked): RestError → TerminalError', async () => {
      arm().addResourceGroup('rg-synaxis-stamp-weu-012');
      arm().resourceGroupDeletionFailure = {
        code: 'ScopeLocked',
        message:
          "The scope 'rg-synaxis-stamp-weu-012' cannot perform delete operation because following scope(s) are locked.",
      };
      await assert.rejects(
        deployer.startResourceGroupDeletion('rg-synaxis-stamp-weu-012'),
        assertTyped(TerminalError, (error) => {
          assert.equal(error.code, 'ScopeLocked');
          assert.equal((error.cause as { name?: string }).name, 'RestError');
        }),
      );
    });
  });

  void describe('throttling, conflicts and outages', () => {
    void it('retries a 429 after retry-after-ms, then reads the deployment', async () => {
      await deployer.startDeployment(request('weu-020'));
      arm().calls.length = 0;
      failDeployment(
        'GET',
        'stamp-weu-020-1',
        429,
        'TooManyRequests',
        'Number of read requests exceeded the limit.',
        { 'retry-after-ms': '120' },
      );
      assert.deepEqual(await deployer.getDeployment('stamp-weu-020-1'), { state: 'Running' });
      const [first, second] = arm().calls;
      assert.equal(arm().calls.length, 2);
      assert.ok((second?.at ?? 0) - (first?.at ?? 0) >= 110, 'waited for retry-after-ms');
    });

    void it('with retries off, a 429 is a TransientError with code TooManyRequests', async () => {
      failDeployment(
        'GET',
        'stamp-weu-021-1',
        429,
        'TooManyRequests',
        'Number of read requests exceeded the limit.',
        { 'retry-after': '1' },
      );
      await assert.rejects(
        noRetry.getDeployment('stamp-weu-021-1'),
        assertTyped(TransientError, (error) => assert.equal(error.code, 'TooManyRequests')),
      );
      assert.equal(arm().calls.length, 1);
    });

    void it('a 503 is a TransientError; an unreachable ARM is a TransientError', async () => {
      failDeployment('GET', 'stamp-weu-022-1', 503, 'ServiceUnavailable', 'try later');
      await assert.rejects(noRetry.getDeployment('stamp-weu-022-1'), assertTyped(TransientError));

      const closed = await startArmStandIn();
      const unreachable = deployerFor(closed, credential, 0);
      await closed.close();
      await assert.rejects(
        unreachable.getDeployment('stamp-weu-022-1'),
        assertTyped(TransientError, (error) => assert.equal(error.code, 'Unreachable')),
      );
    });

    void it('a 409 other than DeploymentActive (another operation in progress) is a ConflictError', async () => {
      failDeployment(
        'PUT',
        'stamp-weu-023-1',
        409,
        'AnotherOperationInProgress',
        'Another operation is in progress on the scope.',
      );
      await assert.rejects(noRetry.startDeployment(request('weu-023')), assertTyped(ConflictError));
      // Safe to repeat: the retry creates it.
      await noRetry.startDeployment(request('weu-023'));
      assert.equal(arm().deployment('stamp-weu-023-1')?.puts, 1);
    });

    void it('a 412 is a ConflictError and a 403 AuthorizationFailed a TerminalError', async () => {
      failDeployment('GET', 'stamp-weu-024-1', 412, 'PreconditionFailed', 'The ETag does not match.');
      await assert.rejects(noRetry.getDeployment('stamp-weu-024-1'), assertTyped(ConflictError));
      failDeployment(
        'GET',
        'stamp-weu-024-1',
        403,
        'AuthorizationFailed',
        'The client does not have authorization.',
      );
      await assert.rejects(
        noRetry.getDeployment('stamp-weu-024-1'),
        assertTyped(TerminalError, (error) => assert.equal(error.code, 'AuthorizationFailed')),
      );
    });
  });

  void describe('resource group deletion', () => {
    void it('starts with one DELETE, reads Deleting, then Deleted on 404; every step repeats safely', async () => {
      const rg = 'rg-synaxis-stamp-weu-030';
      arm().addResourceGroup(rg);
      await deployer.startResourceGroupDeletion(rg);
      const significant = arm().significantCalls();
      assert.deepEqual(
        significant.map((c) => [c.method, c.path, c.apiVersion]),
        [['DELETE', `/subscriptions/${SUBSCRIPTION_ID}/resourcegroups/${rg}`, API]],
      );
      assert.equal(await deployer.getResourceGroupDeletion(rg), 'Deleting');
      await deployer.startResourceGroupDeletion(rg);
      arm().finishResourceGroupDeletion(rg);
      assert.equal(await deployer.getResourceGroupDeletion(rg), 'Deleted');
      assert.equal(await deployer.getResourceGroupDeletion(rg), 'Deleted');
      // A missing group: DELETE answers 404, which counts as done.
      await deployer.startResourceGroupDeletion(rg);
      assert.equal(arm().calls.filter((c) => c.method === 'DELETE').length, 3);
    });
  });

  void describe('what-if', () => {
    void it('POSTs the same body to whatIf and polls its Location to the result', async () => {
      arm().whatIfChanges = [
        {
          resourceId: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-synaxis-stamp-weu-040`,
          changeType: 'Create',
        },
      ];
      const summary = await deployer.whatIf(request('weu-040'));
      assert.deepEqual(summary, {
        status: 'Succeeded',
        changes: [
          {
            resourceId: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-synaxis-stamp-weu-040`,
            changeType: 'Create',
          },
        ],
      });
      const post = arm().calls.find((c) => c.method === 'POST');
      assert.equal(post?.path, `${DEPLOYMENTS}/stamp-weu-040-1/whatIf`);
      assert.equal(post?.apiVersion, API);
      assert.deepEqual((post?.body as { properties?: { mode?: string } }).properties?.mode, 'Incremental');
      assert.equal((post?.body as { location?: string }).location, 'westeurope');
      assert.equal(arm().deployment('stamp-weu-040-1'), undefined, 'what-if deploys nothing');
    });

    void it("reads the app's permissions in its own resource group (Permissions - List For Resource Group)", async () => {
      let asked: URL | undefined;
      arm().extraRoutes.push((method, url, _body, send) => {
        if (method !== 'GET' || !url.pathname.endsWith('/providers/Microsoft.Authorization/permissions'))
          return false;
        asked = url;
        send(200, {
          value: [
            {
              actions: ['*'],
              notActions: ['Microsoft.Authorization/*/Write'],
              dataActions: [],
              notDataActions: [],
            },
            { actions: ['Microsoft.Authorization/policyAssignments/*'] },
          ],
        });
        return true;
      });
      const permissions = await deployer.deploymentPermissions();
      assert.equal(
        asked?.pathname,
        `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-synaxis-cp-prod/providers/Microsoft.Authorization/permissions`,
      );
      assert.equal(asked?.searchParams.get('api-version'), '2022-04-01');
      assert.deepEqual(permissions, [
        { actions: ['*'], notActions: ['Microsoft.Authorization/*/Write'] },
        { actions: ['Microsoft.Authorization/policyAssignments/*'], notActions: [] },
      ]);
    });

    void it('is the preview of a stamp request (previewDeployment), and its errors are mapped', async () => {
      const group = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-synaxis-stamp-weu-041`;
      arm().whatIfChanges = [{ resourceId: group, changeType: 'Create' }];
      const preview = await deployer.previewDeployment(request('weu-041'));
      assert.deepEqual(preview.changes, [{ resourceId: group, changeType: 'Create' }]);
      assert.match(preview.source, /ARM what-if/);
      assert.equal(arm().deployment('stamp-weu-041-1'), undefined);
      // A request whose name does not match its stamp is refused before anything is sent.
      await assert.rejects(deployer.previewDeployment({ ...request('weu-041'), deploymentName: 'other' }));
    });
  });

  void describe('remaining stamp quota (Compute usages)', () => {
    void it("reads the region's usages with the caller's token and counts the stamps that fit every quota", async () => {
      // A stamp needs 36 vCPUs of the DSv3 family and of the regional cores (computeQuota.ts).
      arm().computeUsages = {
        eastus: [
          { name: 'cores', currentValue: 100, limit: 200 },
          { name: 'standardDSv3Family', currentValue: 10, limit: 100 },
          { name: 'virtualMachines', currentValue: 5, limit: 25000 },
        ],
      };
      assert.equal(await deployer.remainingStampQuota('eastus'), 2);
      const call = arm().calls.find((c) => c.path.endsWith('/usages'));
      assert.equal(
        call?.path,
        `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Compute/locations/eastus/usages`,
      );
      assert.equal(call?.apiVersion, '2024-07-01');
      assert.equal(call?.authorization, `Bearer ${STATIC_TOKEN}`);
    });

    void it('a spent family quota leaves no room even when regional cores are left', async () => {
      arm().computeUsages = {
        westeurope: [
          { name: 'cores', currentValue: 0, limit: 1000 },
          { name: 'standardDSv3Family', currentValue: 80, limit: 100 },
        ],
      };
      assert.equal(await deployer.remainingStampQuota('westeurope'), 0);
    });

    void it('a quota the stamp needs that is not listed is unknown, not zero; an error answer is a typed error', async () => {
      arm().computeUsages = { southeastasia: [{ name: 'cores', currentValue: 0, limit: 1000 }] };
      assert.equal(await deployer.remainingStampQuota('southeastasia'), undefined);
      await assert.rejects(deployer.remainingStampQuota('mars'), /compute usages of mars: 404/);
    });
  });

  void describe('the compiled stamp template', () => {
    void it('defaults to dist/infra/stamp/main.json, which takes every parameter the deployer passes', async () => {
      assert.match(DEFAULT_STAMP_TEMPLATE_PATH, /dist[\\/]infra[\\/]stamp[\\/]main\.json$/);
      const template = await loadStampTemplate();
      const declared = (template['parameters'] ?? {}) as Record<
        string,
        { type?: string; defaultValue?: unknown }
      >;
      const passed = [
        'stampId',
        'location',
        'environment',
        'generation',
        'logAnalyticsWorkspaceId',
        'actionGroupResourceId',
      ];
      for (const name of passed) assert.ok(name in declared, `template declares ${name}`);
      for (const [name, spec] of Object.entries(STAMP_TEMPLATE_PARAMETERS)) {
        if (spec.required) assert.ok(passed.includes(name), `the deployer passes required ${name}`);
      }
      for (const [name, spec] of Object.entries(declared)) {
        if (spec.defaultValue === undefined)
          assert.ok(passed.includes(name), `required template parameter ${name} is passed`);
      }
      assert.ok(Object.keys(template['outputs'] ?? {}).includes('originHostName'));
    });

    void it('deploys with the roles the control-plane template grants, and fails AuthorizationFailed without Resource Policy Contributor (issue 11, defect 2)', async () => {
      const grants = appSubscriptionGrants(controlPlaneSnapshot('control-plane-deployer'));
      const real = createAzureAdapters(azureConfig(), {
        credential,
        arm: { endpoint: arm().endpoint, credentialScopes: [ARM_SCOPE], agent: arm().agent },
        updateIntervalInMs: 5,
      }).deployer;
      arm().authorization = { principal: 'app-principal', grants };
      try {
        await real.startDeployment(request('weu-041'));
        assert.deepEqual(await real.getDeployment('stamp-weu-041-1'), { state: 'Running' });

        arm().authorization = {
          principal: 'app-principal',
          grants: grants.filter((g) => g.role !== 'Resource Policy Contributor'),
        };
        await real.startDeployment(request('weu-042'));
        const status = await real.getDeployment('stamp-weu-042-1');
        assert.equal(status.state, 'Failed');
        assert.equal(status.state === 'Failed' ? status.code : '', 'AuthorizationFailed');
        assert.match(
          status.state === 'Failed' ? status.message : '',
          /Microsoft\.Authorization\/policyAssignments\/write/,
        );
      } finally {
        arm().authorization = undefined;
      }
    });

    void it('a deployment that assigns a role definition Azure does not have fails with RoleDefinitionDoesNotExist', async () => {
      const assigning = createAzureAdapters(azureConfig(), {
        credential,
        arm: { endpoint: arm().endpoint, credentialScopes: [ARM_SCOPE], agent: arm().agent },
        template: () => Promise.resolve(templateAssigningRole(WRONG_SERVICE_BUS_RECEIVER_ID)),
        updateIntervalInMs: 5,
      }).deployer;
      arm().authorization = {
        principal: 'app-principal',
        grants: [{ role: 'Owner' }, { role: 'Contributor' }],
      };
      try {
        await assigning.startDeployment(request('weu-043'));
        const status = await assigning.getDeployment('stamp-weu-043-1');
        assert.equal(status.state === 'Failed' ? status.code : status.state, 'RoleDefinitionDoesNotExist');
      } finally {
        arm().authorization = undefined;
      }
    });

    void it('a missing template file is a TerminalError naming the path', async () => {
      await assert.rejects(
        loadStampTemplate('/nonexistent/main.json'),
        (error: unknown) =>
          error instanceof TerminalError && error.message.includes('/nonexistent/main.json'),
      );
    });
  });
});

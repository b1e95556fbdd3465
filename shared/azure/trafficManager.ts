import type { AFDOrigin, AFDOriginUpdateParameters, CdnManagementClient } from '@azure/arm-cdn';

import { NotFoundError, ValidationError } from '../errors';
import type { OriginHealthProbe, OriginSpec, OriginState, TrafficManager } from '../ports/trafficManager';
import { mapAzureError, statusOf } from './errors';

/** The part of `CdnManagementClient` used here: a seam for tests and for the lazy load. */
export type AfdOriginsClient = Pick<
  CdnManagementClient['afdOrigins'],
  'beginCreateAndWait' | 'beginUpdateAndWait' | 'beginDeleteAndWait' | 'get' | 'listByOriginGroup'
>;

export interface FrontDoorLocation {
  readonly resourceGroup: string;
  readonly profile: string;
  readonly originGroup: string;
}

export interface FrontDoorTrafficManagerOptions {
  readonly client: () => Promise<AfdOriginsClient>;
  readonly frontDoor: FrontDoorLocation;
  /** Poll interval while an origin write completes; tests pass 5. The SDK default is 2 s. */
  readonly updateIntervalInMs?: number;
}

const ORIGIN_NAME = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,88}[a-zA-Z0-9])?$/;
const HOST_NAME =
  /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

/**
 * The TrafficManager on `@azure/arm-cdn` 9.1.0: one Front Door origin per stamp, named after the
 * stamp id, in the configured profile and origin group.
 *
 * Writes wait for the origin's own provisioning (seconds; an origin write is short, unlike a
 * stamp deployment) so that an error is reported by the call that caused it. Front Door's
 * propagation to the edge takes minutes more and is not awaited (docs/azure.md §2).
 *
 * - `upsertOrigin`: PUT, which creates or replaces: a repeat updates the origin.
 * - `setOriginEnabled`: PATCH of `enabledState` only; the other properties stay. NotFoundError if missing.
 * - `setOriginWeight`: PATCH of `weight` only (a ramp step). NotFoundError if missing.
 * - `removeOrigin`: DELETE; a missing origin (404 or 204) is success.
 *
 * @example
 * const traffic = createFrontDoorTrafficManager({ client, frontDoor: { resourceGroup, profile, originGroup: 'stamps' } });
 * await traffic.upsertOrigin({ stampId: 'weu-001', hostName: 'weu-001.example.net', priority: 1, weight: 1000, enabled: false });
 * await traffic.setOriginEnabled('weu-001', true);
 */
export function createFrontDoorTrafficManager(options: FrontDoorTrafficManagerOptions): TrafficManager {
  const { resourceGroup, profile, originGroup } = options.frontDoor;
  const pollOptions =
    options.updateIntervalInMs === undefined ? {} : { updateIntervalInMs: options.updateIntervalInMs };

  /** A PATCH of some properties only: the others stay (docs/azure.md §2). NotFoundError if missing. */
  async function patch(stampId: string, properties: AFDOriginUpdateParameters, what: string): Promise<void> {
    checkOriginName(stampId);
    const client = await options.client();
    try {
      await client.beginUpdateAndWait(resourceGroup, profile, originGroup, stampId, properties, pollOptions);
    } catch (error) {
      if (statusOf(error) === 404) {
        throw new NotFoundError(`origin ${stampId} does not exist in ${profile}/${originGroup}`, {
          cause: error,
        });
      }
      throw mapAzureError(error, what);
    }
  }

  return {
    async upsertOrigin(spec) {
      checkSpec(spec);
      const client = await options.client();
      const origin: AFDOrigin = {
        hostName: spec.hostName,
        originHostHeader: spec.hostName,
        httpPort: 80,
        httpsPort: 443,
        priority: spec.priority,
        weight: spec.weight,
        enabledState: spec.enabled ? 'Enabled' : 'Disabled',
        enforceCertificateNameCheck: true,
      };
      try {
        await client.beginCreateAndWait(
          resourceGroup,
          profile,
          originGroup,
          spec.stampId,
          origin,
          pollOptions,
        );
      } catch (error) {
        throw mapAzureError(error, `upsert origin ${spec.stampId}`);
      }
    },

    setOriginEnabled(stampId, enabled) {
      return patch(
        stampId,
        { enabledState: enabled ? 'Enabled' : 'Disabled' },
        `set origin ${stampId} ${enabled ? 'enabled' : 'disabled'}`,
      );
    },

    setOriginWeight(stampId, weight) {
      const problem = weightProblem(weight);
      if (problem !== undefined) return Promise.reject(problem);
      return patch(stampId, { weight }, `set the weight of origin ${stampId} to ${weight}`);
    },

    async removeOrigin(stampId) {
      checkOriginName(stampId);
      const client = await options.client();
      try {
        await client.beginDeleteAndWait(resourceGroup, profile, originGroup, stampId, pollOptions);
      } catch (error) {
        if (statusOf(error) === 404) return;
        throw mapAzureError(error, `remove origin ${stampId}`);
      }
    },

    async getOrigin(stampId) {
      checkOriginName(stampId);
      const client = await options.client();
      try {
        return toState(await client.get(resourceGroup, profile, originGroup, stampId), stampId);
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw mapAzureError(error, `read origin ${stampId}`);
      }
    },

    async listOrigins() {
      const client = await options.client();
      const result: OriginState[] = [];
      try {
        for await (const origin of client.listByOriginGroup(resourceGroup, profile, originGroup)) {
          result.push(toState(origin, origin.name ?? ''));
        }
      } catch (error) {
        throw mapAzureError(error, `list origins of ${profile}/${originGroup}`);
      }
      return result;
    },
  };
}

/** Front Door's defaults for properties an origin was created without: enabled, priority 1, weight 50. */
function toState(origin: AFDOrigin, stampId: string): OriginState {
  return {
    stampId: origin.name ?? stampId,
    hostName: origin.hostName ?? '',
    enabled: origin.enabledState !== 'Disabled',
    priority: origin.priority ?? 1,
    weight: origin.weight ?? 50,
  };
}

function checkOriginName(stampId: string): void {
  if (!ORIGIN_NAME.test(stampId)) {
    throw new ValidationError(`'${stampId}' is not a valid Front Door origin name`, 'stampId');
  }
}

function checkSpec(spec: OriginSpec): void {
  checkOriginName(spec.stampId);
  if (!HOST_NAME.test(spec.hostName)) {
    throw new ValidationError(`origin host name '${spec.hostName}' is not a DNS name`, 'hostName');
  }
  if (!Number.isInteger(spec.priority) || spec.priority < 1 || spec.priority > 5) {
    throw new ValidationError(`origin priority ${spec.priority} is not 1-5`, 'priority');
  }
  const weight = weightProblem(spec.weight);
  if (weight !== undefined) throw weight;
}

/** Front Door's weight range, 1-1000 (docs/azure.md §2): the error for another, if any. */
function weightProblem(weight: number): ValidationError | undefined {
  return Number.isInteger(weight) && weight >= 1 && weight <= 1000
    ? undefined
    : new ValidationError(`origin weight ${weight} is not 1-1000`, 'weight');
}

/** A `fetch` as far as the probe uses it. */
export type ProbeFetch = (
  url: string,
  init: { method: 'GET'; signal: AbortSignal; redirect: 'manual' },
) => Promise<{
  readonly status: number;
  readonly body?: { cancel(): Promise<void> } | null;
}>;

export interface HttpsOriginHealthProbeOptions {
  /** Default: the global `fetch`. */
  readonly fetch?: ProbeFetch;
  /** Default 5000 ms: a stamp that takes longer is not healthy for Front Door either. */
  readonly timeoutMs?: number;
  /** Default `/healthz`, the origin group's probe path (infra). */
  readonly path?: string;
}

/**
 * The OriginHealthProbe: `GET https://{hostName}/healthz` with a short timeout; 200 is Healthy,
 * anything else (another status, a redirect, a timeout, a TLS or network failure) is Unhealthy,
 * as Front Door counts only 200 (docs/azure.md §2).
 *
 * @example
 * const probe = createHttpsOriginHealthProbe();
 * await probe.check('weu-001.example.net'); // 'Healthy' | 'Unhealthy'
 */
export function createHttpsOriginHealthProbe(options: HttpsOriginHealthProbeOptions = {}): OriginHealthProbe {
  const timeoutMs = options.timeoutMs ?? 5000;
  const path = options.path ?? '/healthz';
  return {
    async check(hostName) {
      if (!HOST_NAME.test(hostName)) {
        throw new ValidationError(`origin host name '${hostName}' is not a DNS name`, 'hostName');
      }
      const fetchImpl: ProbeFetch = options.fetch ?? ((url, init) => fetch(url, init));
      // A timer of our own rather than AbortSignal.timeout(), whose unref'd timer would let the
      // process exit with a check still pending: the probe always answers within timeoutMs.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      try {
        const response = await fetchImpl(`https://${hostName}${path}`, {
          method: 'GET',
          signal: controller.signal,
          redirect: 'manual',
        });
        // Release the connection; the body is not needed.
        await response.body?.cancel().catch(() => undefined);
        return response.status === 200 ? 'Healthy' : 'Unhealthy';
      } catch {
        return 'Unhealthy';
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

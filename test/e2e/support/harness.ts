import { randomUUID } from 'node:crypto';

import type { Services } from '../../../shared/app/services';
import { ManualClock } from '../../../shared/local/clock/manualClock';
import { LOCAL_ACTION_GROUP } from '../../../shared/local/host/localIdentity';
import { LocalControlPlane, type LocalControlPlaneOptions } from '../../../shared/local/localControlPlane';
import type { StampCloudEvent } from '../../../shared/ports/eventPublisher';

export const T0 = new Date('2026-06-01T00:00:00.000Z');
export const MINUTE = 60_000;

/** The seed's regions with nothing desired: a control plane that starts with no stamps. */
export const EMPTY_REGIONS = 'westeurope:weu:1:4:0,eastus:eus:2:3:0,southeastasia:sea:3:3:0';

export interface ApiAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly location: string | null;
  readonly body: Record<string, unknown>;
  readonly headers: Headers;
}

export interface E2E {
  readonly plane: LocalControlPlane;
  readonly clock: ManualClock;
  readonly logs: string[];
  /** Every CloudEvent the control plane published (signals, phase changes, incidents). */
  readonly published: StampCloudEvent[];
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer>;
  /** `POST /api/alerts` as the action group's secure webhook sends it (signed in as that app). */
  alert(body: unknown): Promise<ApiAnswer>;
  /** The headers that sign a request in as a local user (STAMPS_LOCAL_USERS) or app. */
  as(name: string): Record<string, string>;
  stamp(id: string): Promise<Record<string, unknown>>;
  /** Moves simulated time forward, letting everything due settle at its own instant. */
  advance(minutes: number): Promise<void>;
  /** Moves time in coarse steps (for days of retention): settles only between steps. */
  advanceCoarse(minutes: number, stepMinutes: number): Promise<void>;
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export interface E2EOptions {
  readonly seed?: boolean;
  readonly env?: Record<string, string>;
  readonly decorate?: (services: Services) => Services;
}

/**
 * Options of a control plane on an empty fleet whose Cosmos DB outlives it (a test that restarts
 * the host, or starts a second one on the same store).
 */
export function hostOnSharedStore(
  cosmos: LocalControlPlaneOptions['cosmos'],
  databaseName: string,
  clock: ManualClock,
): LocalControlPlaneOptions {
  return { env: { STAMPS_REGIONS: EMPTY_REGIONS }, clock, port: 0, seed: false, cosmos, databaseName };
}

export async function startE2E(options: E2EOptions = {}): Promise<E2E> {
  const clock = new ManualClock(T0);
  const logs: string[] = [];
  const published: StampCloudEvent[] = [];
  const record = (services: Services): Services => ({
    ...services,
    events: {
      publish: async (events) => {
        published.push(...events);
        await services.events.publish(events);
      },
    },
  });
  const seed = options.seed ?? true;
  // An unseeded control plane starts with empty regions (desired 0) unless the test says
  // otherwise: the fleet reconciler would otherwise build every region up to its maximum.
  const env =
    seed || options.env?.['STAMPS_REGIONS'] !== undefined
      ? (options.env ?? {})
      : { ...options.env, STAMPS_REGIONS: EMPTY_REGIONS };
  const plane = new LocalControlPlane({
    env,
    clock,
    port: 0,
    seed,
    databaseName: `e2e-${randomUUID().slice(0, 8)}`,
    log: (level, message) => {
      if (level !== 'debug') logs.push(`${clock.now().toISOString()} ${level} ${message}`);
    },
    decorate: (services) => record(options.decorate?.(services) ?? services),
  });
  await plane.start();
  return drive(plane, clock, logs, published);
}

/** Helpers to call the API and move simulated time on a started control plane. */
export function drive(
  plane: LocalControlPlane,
  clock: ManualClock,
  logs: string[] = [],
  published: StampCloudEvent[] = [],
): E2E {
  const origin = plane.origin;
  const settle = () => plane.idle();

  async function api(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer> {
    const response = await fetch(`${origin}${path}`, {
      method,
      ...(body === undefined
        ? { headers }
        : { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    await settle();
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      location: response.headers.get('location'),
      headers: response.headers,
      // A page (the dashboard) is kept as text; every API answer is JSON.
      body:
        text === ''
          ? {}
          : /json/.test(response.headers.get('content-type') ?? '')
            ? (JSON.parse(text) as Record<string, unknown>)
            : { text },
    };
  }

  async function advance(minutes: number): Promise<void> {
    const target = clock.now().getTime() + minutes * MINUTE;
    for (;;) {
      const next = clock.nextDueAt();
      if (next === undefined || next.getTime() > target) {
        await clock.advanceTo(new Date(target));
        await settle();
        return;
      }
      await clock.advanceTo(next);
      await settle();
    }
  }

  const as = (name: string): Record<string, string> => ({
    authorization: `Bearer ${plane.identity.tokenFor(name)}`,
  });
  return {
    plane,
    clock,
    logs,
    published,
    api,
    alert: (body) => api('POST', '/api/alerts', body, as(LOCAL_ACTION_GROUP.name)),
    as,
    async stamp(id) {
      const answer = await api('GET', `/api/stamps/${id}`);
      if (answer.status !== 200)
        throw new Error(`GET ${id}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    },
    advance,
    async advanceCoarse(minutes, stepMinutes) {
      for (let done = 0; done < minutes; done += stepMinutes) {
        await clock.advance(Math.min(stepMinutes, minutes - done) * MINUTE);
        await settle();
      }
    },
    settle,
    stop: () => plane.stop(),
  };
}

/** The phases a stamp went through, from its audit history. */
export function phasesOf(stamp: Record<string, unknown>): string[] {
  const history = stamp['history'] as { to: string; traffic?: { to: string } }[];
  return history.map((h) => (h.traffic === undefined ? h.to : `${h.to}/${h.traffic.to}`));
}

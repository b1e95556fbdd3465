import { ValidationError } from '../../errors';
import type { Collections } from './persisted';

/**
 * The chaos console's faults (`/sim/chaos/*` and the dashboard): what can go wrong in the Azure
 * the control plane depends on, injected into the simulation to rehearse an incident. Each kind
 * says what it needs (a region, a stamp) and whether it lasts a while (`minutes`) or until it has
 * acted once or is cleared.
 */
export const CHAOS_KINDS = {
  'fail-next-deployment': {
    target: 'region',
    timed: false,
    summary:
      'the next deployment attempt in the region fails with the ARM error code: DeploymentFailed (the default) is deployed again by the orchestration, a terminal code (QuotaExceeded, InvalidTemplate) fails the stamp',
  },
  'fail-quarantine-checks': {
    target: 'stamp',
    timed: false,
    summary: "the stamp's quarantine checks fail (the run going on and later ones) until cleared",
  },
  'bad-stamp': {
    target: 'stamp',
    timed: false,
    summary:
      "the stamp is a bad build: its probes pass, but it answers 8% of requests with 5xx at twice the latency (a ramp's canary check sees it) until cleared",
  },
  'cosmos-throttling': {
    target: 'none',
    timed: true,
    summary: "the stamp store's Cosmos DB answers 429 Too Many Requests (after the SDK's own retries)",
  },
  'cosmos-unavailable': {
    target: 'none',
    timed: true,
    summary: "the stamp store's Cosmos DB answers 503 Service Unavailable",
  },
  'delay-alerts': {
    target: 'none',
    timed: true,
    summary: 'Azure Monitor holds each alert notification back for delayMinutes before sending it',
  },
  'duplicate-alerts': {
    target: 'none',
    timed: true,
    summary: 'Azure Monitor sends each alert notification twice',
  },
  'drop-alerts': {
    target: 'none',
    timed: true,
    summary: 'Azure Monitor loses every alert notification (never sent, never retried)',
  },
  'arm-outage': {
    target: 'region',
    timed: true,
    summary: 'ARM answers 503 ServiceUnavailable for deployments and resource groups in the region',
  },
} as const satisfies Record<string, { target: 'region' | 'stamp' | 'none'; timed: boolean; summary: string }>;

export type ChaosKind = keyof typeof CHAOS_KINDS;
export type TimedChaosKind = {
  [K in ChaosKind]: (typeof CHAOS_KINDS)[K]['timed'] extends true ? K : never;
}[ChaosKind];

export const CHAOS_KIND_NAMES = Object.keys(CHAOS_KINDS) as ChaosKind[];

export function isChaosKind(name: string): name is ChaosKind {
  return Object.hasOwn(CHAOS_KINDS, name);
}

/** How long a timed fault lasts unless the request says (simulated minutes), and the longest. */
export const DEFAULT_FAULT_MINUTES = 15;
export const MAX_FAULT_MINUTES = 24 * 60;

export interface ChaosRequest {
  readonly kind: ChaosKind;
  readonly region?: string;
  readonly stampId?: string;
  /** Timed kinds: how long, in simulated minutes. */
  readonly minutes?: number;
  /** `delay-alerts`: how long each notification is held back. */
  readonly delayMinutes?: number;
  /** `fail-next-deployment`: the ARM error code. */
  readonly code?: string;
}

/** A fault that is active now, as `/sim/state` and the dashboard show it. */
export interface ActiveFault {
  /** `{kind}` or `{kind}:{region|stampId}`; `POST /sim/chaos/{id}/clear` ends it. */
  readonly id: string;
  readonly kind: ChaosKind;
  readonly summary: string;
  readonly region?: string;
  readonly stampId?: string;
  readonly since?: string;
  /** Timed faults: when it ends by itself. */
  readonly until?: string;
  /** What it did so far, in words (requests refused, alerts held back). */
  readonly effect?: string;
}

export function faultId(kind: ChaosKind, target: string | undefined): string {
  return target === undefined ? kind : `${kind}:${target}`;
}

interface TimedFault {
  readonly id: string;
  readonly kind: TimedChaosKind;
  readonly region?: string;
  readonly since: number;
  readonly until: number;
  readonly delayMs: number;
  hits: number;
}

/** The timed faults: active from injection until `until` (simulated time) or a clear. */
export class TimedFaults {
  private readonly faults = new Map<string, TimedFault>();

  /** What this part of the simulation keeps across a restart (--data-dir), by name. */
  persistedCollections(): Collections {
    return { faults: this.faults };
  }

  add(kind: TimedChaosKind, request: ChaosRequest, now: number): TimedFault {
    const minutes = request.minutes ?? DEFAULT_FAULT_MINUTES;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_FAULT_MINUTES)
      throw new ValidationError(`minutes must be a whole number from 1 to ${MAX_FAULT_MINUTES}`, 'minutes');
    const delayMinutes = request.delayMinutes ?? (kind === 'delay-alerts' ? 5 : 0);
    if (!Number.isInteger(delayMinutes) || delayMinutes < 0 || delayMinutes > MAX_FAULT_MINUTES)
      throw new ValidationError(
        `delayMinutes must be a whole number from 1 to ${MAX_FAULT_MINUTES}`,
        'delayMinutes',
      );
    const region = CHAOS_KINDS[kind].target === 'region' ? request.region : undefined;
    const fault: TimedFault = {
      id: faultId(kind, region),
      kind,
      ...(region === undefined ? {} : { region }),
      since: now,
      until: now + minutes * 60_000,
      delayMs: delayMinutes * 60_000,
      hits: 0,
    };
    // Injecting a fault that is on already extends it (the newest request wins).
    this.faults.set(fault.id, fault);
    return fault;
  }

  /** The fault of `kind` (in `region`) active at `now`, counted as having acted once. */
  hit(kind: TimedChaosKind, now: number, region?: string): TimedFault | undefined {
    const fault = this.faults.get(faultId(kind, region));
    if (fault === undefined) return undefined;
    if (fault.until <= now) {
      this.faults.delete(fault.id);
      return undefined;
    }
    fault.hits += 1;
    return fault;
  }

  clear(id: string): TimedFault | undefined {
    const fault = this.faults.get(id);
    this.faults.delete(id);
    return fault;
  }

  list(now: number): TimedFault[] {
    for (const fault of this.faults.values()) if (fault.until <= now) this.faults.delete(fault.id);
    return [...this.faults.values()];
  }
}

/** What a timed fault did, in words. */
export function describeHits(
  fault: { readonly kind: TimedChaosKind; readonly hits: number },
  held: number,
): string {
  switch (fault.kind) {
    case 'cosmos-throttling':
    case 'cosmos-unavailable':
      return `${fault.hits} store request(s) refused`;
    case 'arm-outage':
      return `${fault.hits} ARM call(s) refused`;
    case 'delay-alerts':
      return `${fault.hits} alert(s) delayed, ${held} still held back`;
    case 'duplicate-alerts':
      return `${fault.hits} alert(s) sent twice`;
    case 'drop-alerts':
      return `${fault.hits} alert(s) lost`;
  }
}

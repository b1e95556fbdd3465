import type { Effect } from './effects';
import type { Phase, Traffic } from './phase';
import type { AuditRecord, Cause, Stamp } from './stamp';
import { deploymentName } from './stampNames';

export interface NewStampInput {
  /** Allocated by the store (`weu-001`); never reused. */
  readonly id: string;
  readonly region: string;
  readonly now: string;
  readonly cause: Cause;
  /** The isolated stamp this one replaces, if any. */
  readonly replacementFor?: string;
  /** A warm spare: registered with its origin disabled, on standby until promoted. */
  readonly spare?: boolean;
}

export interface NewStamp {
  readonly stamp: Stamp;
  readonly audit: AuditRecord;
  readonly effects: readonly Effect[];
}

/** A stamp written with its first audit record (from `null`), in the phase it starts in. */
function firstRecord(
  input: NewStampInput,
  start: { readonly phase: Phase; readonly traffic: Traffic; readonly originHostName?: string | undefined },
): { stamp: Stamp; audit: AuditRecord } {
  const { id, region, now, cause } = input;
  const stamp: Stamp = {
    id,
    region,
    phase: start.phase,
    traffic: start.traffic,
    generation: 1,
    createdAt: now,
    phaseSince: now,
    cause,
    deadlines: {},
    ...(input.replacementFor === undefined ? {} : { replacementFor: input.replacementFor }),
    ...(input.spare === true ? { spare: { since: now } } : {}),
    health: { probe: 'healthy' },
    deployment: {
      name: deploymentName(id, 1),
      ...(start.originHostName === undefined ? {} : { originHostName: start.originHostName }),
    },
    auditSeq: 1,
    processedEventIds: [cause.eventId],
  };
  const audit: AuditRecord = {
    stampId: id,
    seq: 1,
    at: now,
    from: null,
    to: start.phase,
    ...(start.traffic === 'none' ? {} : { traffic: { from: 'none' as const, to: start.traffic } }),
    cause,
  };
  return { stamp, audit };
}

/**
 * A stamp's birth: `provisioning`, generation 1, the deterministic deployment name, its first
 * audit record (from `null`), and the effect that starts the ARM deployment.
 */
export function newStamp(input: NewStampInput): NewStamp {
  const { id, region, now, cause } = input;
  const { stamp, audit } = firstRecord(input, { phase: 'provisioning', traffic: 'none' });
  const name = deploymentName(id, stamp.generation);
  return {
    stamp,
    audit,
    effects: [
      { kind: 'start-deployment', stampId: id, region, deploymentName: name, generation: stamp.generation },
      { kind: 'publish-phase-changed', stampId: id, from: null, to: 'provisioning', at: now, cause },
    ],
  };
}

/**
 * A stamp that exists already and is taken over as it is (the local seed fleet, a bench's
 * archived filler): written in `phase` with its one audit record, and nothing to run.
 */
export function importedStamp(
  input: NewStampInput & {
    readonly phase: Phase;
    readonly traffic: Traffic;
    readonly originHostName?: string | undefined;
  },
): { stamp: Stamp; audit: AuditRecord } {
  return firstRecord(input, input);
}

/**
 * The effects an orchestration started for an existing stamp must run first: a `provisioning`
 * stamp whose orchestration never started (its starter crashed after writing it) or stopped
 * starts its deployment again. ARM deployments are idempotent by name, so one that is running or
 * done is left as it is.
 */
export function resumeEffects(stamp: Stamp): Effect[] {
  if (stamp.phase !== 'provisioning') return [];
  return [
    {
      kind: 'start-deployment',
      stampId: stamp.id,
      region: stamp.region,
      deploymentName: stamp.deployment?.name ?? deploymentName(stamp.id, stamp.generation),
      generation: stamp.generation,
    },
  ];
}

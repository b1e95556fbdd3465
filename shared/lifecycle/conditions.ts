import type { Stamp } from './stamp';
import { isBefore } from './time';

/**
 * A stamp's status as conditions (after Cluster API): each says one thing
 * an operator asks ("is it serving?", "is it healthy?"), with a machine-readable reason and a
 * sentence. Computed from the stamp, never stored, so they cannot drift from it.
 */
export interface Condition {
  readonly type: 'Serving' | 'Healthy' | 'Deployed' | 'Retained';
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
}

export function stampConditions(stamp: Stamp, now: string): Condition[] {
  return [serving(stamp), healthy(stamp), deployed(stamp), ...retained(stamp, now)];
}

function serving(stamp: Stamp): Condition {
  if (stamp.phase === 'active' && stamp.traffic === 'in-rotation') {
    return { type: 'Serving', status: 'True', reason: 'InRotation', message: 'Front Door sends it traffic' };
  }
  if (stamp.phase === 'active') {
    return {
      type: 'Serving',
      status: 'False',
      reason: 'Isolated',
      message: `isolated by ${stamp.isolation?.by ?? 'unknown'} since ${stamp.isolation?.at ?? stamp.phaseSince}`,
    };
  }
  return {
    type: 'Serving',
    status: 'False',
    reason: pascal(stamp.phase),
    message: `the stamp is ${stamp.phase}`,
  };
}

/** What is true of a stamp's health once nothing probes it any more, by phase. */
const NOT_PROBED: Partial<Record<Stamp['phase'], string>> = {
  quarantined: 'no longer a Front Door origin: nothing probes it',
  decommissioning: 'its workloads are being deleted: nothing probes it',
  archived: 'its workloads were deleted: nothing probes it',
  purged: 'its resources were deleted: nothing probes it',
};

function healthy(stamp: Stamp): Condition {
  const notProbed = NOT_PROBED[stamp.phase];
  if (notProbed !== undefined)
    return { type: 'Healthy', status: 'Unknown', reason: 'NotProbed', message: notProbed };
  const since = stamp.health.observedAt === undefined ? '' : ` (alert time ${stamp.health.observedAt})`;
  if (stamp.health.probe === 'healthy') {
    return {
      type: 'Healthy',
      status: 'True',
      reason: 'ProbesPassing',
      message: `health probes pass${since}`,
    };
  }
  const held =
    stamp.health.heldBy === undefined ? '' : `; isolation held by the ${stamp.health.heldBy} guard`;
  return {
    type: 'Healthy',
    status: 'False',
    reason: 'ProbesFailing',
    message: `health probes fail${since}${held}`,
  };
}

function deployed(stamp: Stamp): Condition {
  const name = stamp.deployment?.name ?? '';
  const is = (status: Condition['status'], reason: string, message: string): Condition => ({
    type: 'Deployed',
    status,
    reason,
    message,
  });
  if (stamp.deployment?.error !== undefined) return is('False', 'DeploymentFailed', stamp.deployment.error);
  if (stamp.phase === 'provisioning') return is('Unknown', 'Deploying', `ARM deployment ${name} running`);
  if (stamp.phase === 'purged') return is('False', 'Purged', 'all resources deleted');
  if (stamp.phase === 'archived') {
    const kept = 'workloads deleted, persistent volumes and records kept until purge';
    return is('True', 'WorkloadsDeleted', `deployment ${name}: ${kept}`);
  }
  return is('True', 'Succeeded', `deployment ${name}`);
}

function retained(stamp: Stamp, now: string): Condition[] {
  const due = stamp.deadlines.purgeDueAt;
  if (stamp.phase !== 'archived' || due === undefined) return [];
  return isBefore(now, due)
    ? [{ type: 'Retained', status: 'True', reason: 'WithinRetention', message: `records kept until ${due}` }]
    : [
        {
          type: 'Retained',
          status: 'False',
          reason: 'PurgeDue',
          message: `retention ended at ${due}; purge due`,
        },
      ];
}

function pascal(text: string): string {
  return text.replace(/(^|-)(\w)/g, (_m, _dash: string, letter: string) => letter.toUpperCase());
}

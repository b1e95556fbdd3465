import type { LifecyclePolicy } from './policy';
import type { Stamp } from './stamp';
import { addMinutes } from './time';

/**
 * What the stamp is waiting for, or what holds it, in one sentence an operator can act on
 * (the API's `waitingFor`, shown by `stampctl get` and the dashboard); undefined when nothing
 * is pending (an active stamp in rotation, a purged one).
 */
export function waitingFor(stamp: Stamp, policy: LifecyclePolicy): string | undefined {
  const d = stamp.deadlines;
  switch (stamp.phase) {
    case 'provisioning':
      return `its ARM deployment ${stamp.deployment?.name ?? ''} to finish`;
    case 'registering':
      return `its Front Door origin to report healthy${d.registrationTimeoutAt === undefined ? '' : ` (fails at ${d.registrationTimeoutAt})`}`;
    case 'active':
      if (stamp.traffic === 'in-rotation') {
        if (stamp.health.heldBy === 'min-in-rotation')
          return 'its probe fails; its isolation is held by the minimum in rotation until a replacement serves';
        if (stamp.health.heldBy === 'blast-radius')
          return 'its probe fails; its isolation is held by the blast-radius guard (too much of the fleet fails at once)';
        if (d.isolationDecisionAt !== undefined)
          return `its probe fails; its isolation is decided at ${d.isolationDecisionAt}, with every alert fired meanwhile`;
        const ramp = stamp.ramp;
        if (ramp?.paused !== undefined)
          return `its ramp, held at ${ramp.percent}% by ${ramp.paused.actor} (${ramp.paused.reason}): POST /continue-ramp or /skip-ramp`;
        if (ramp !== undefined)
          return `the canary check of its ramp step at ${ramp.percent}%${d.rampStepDueAt === undefined ? '' : ` at ${d.rampStepDueAt}`} (POST /pause-ramp holds it, /skip-ramp gives it full weight)`;
        return undefined;
      }
      if (stamp.traffic === 'standby') return 'a region short of a stamp: it is a warm spare, promoted then';
      if (stamp.isolation?.by === 'operator') return 'an operator to rejoin it (POST /rejoin) or drain it';
      if (stamp.isolation?.by === 'canary')
        return `its drain at ${d.isolationGraceEndsAt ?? 'the end of its isolation grace'}: the canary check found it worse than its peers (POST /rejoin puts it back)`;
      return d.isolationGraceEndsAt === undefined
        ? 'its alert to resolve'
        : `its alert to resolve before ${d.isolationGraceEndsAt} (it rejoins), or it is drained then`;
    case 'draining':
      return `in-flight requests to reach zero, or the drain timer at ${d.drainEndsAt ?? stamp.drain?.endsAt ?? '?'} (POST /cancel-drain puts it back)`;
    case 'quarantined':
      if (stamp.quarantine?.checks === 'failed')
        return `an operator's verification with an override: the quarantine checks failed (${stamp.quarantine.detail ?? ''})`;
      if (policy.quarantine.requireHumanApproval && stamp.quarantine?.approvedBy === undefined)
        return stamp.quarantine?.checks === 'passed'
          ? "an operator's verification (checks passed)"
          : "the quarantine checks and an operator's verification";
      return 'the quarantine checks';
    case 'decommissioning':
      return 'its workloads to be deleted (persistent volumes kept)';
    case 'archived':
      return d.purgeDueAt === undefined ? 'its purge' : `its purge at ${d.purgeDueAt}`;
    case 'failed':
      return policy.failedCleanupMinutes > 0
        ? `clean-up: automatic at ${addMinutes(stamp.phaseSince, policy.failedCleanupMinutes)}, or POST /cleanup now`
        : 'clean-up: POST /cleanup (automatic clean-up is off)';
    case 'purged':
      return undefined;
  }
}

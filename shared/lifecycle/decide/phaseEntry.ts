import type { Effect } from '../effects';
import type { LifecyclePolicy } from '../policy';
import { originWeightOf } from '../ramp';
import type { Stamp } from '../stamp';
import { stampResourceGroup } from '../stampNames';

/**
 * The effects of entering a phase (docs/architecture.md §3, "what happens"). Computed from the
 * stamp before and after, so that every path into a phase does the same work.
 */
export function effectsOnEntering(next: Stamp, previous: Stamp, policy: LifecyclePolicy): Effect[] {
  const stampId = next.id;
  switch (next.phase) {
    case 'registering':
      return [{ kind: 'register-origin', stampId, hostName: next.deployment?.originHostName ?? '' }];
    case 'active': {
      // Into rotation at the weight the stamp should have (its ramp step's, or full): the origin
      // may carry another (registered at the first step under another policy, or left by a ramp).
      const intoRotation: Effect[] =
        next.traffic === 'in-rotation'
          ? [
              { kind: 'set-origin-weight', stampId, weight: originWeightOf(next) },
              { kind: 'enable-origin', stampId },
            ]
          : // A warm spare's origin stays disabled until it is promoted.
            [];
      if (previous.phase === 'draining') {
        // A cancelled drain: traffic comes back (a spare goes back to standby), the timer goes.
        return [
          ...intoRotation,
          ...(previous.drain === undefined
            ? []
            : [{ kind: 'cancel-drain-timer' as const, stampId, drainId: previous.drain.id }]),
        ];
      }
      return [
        ...intoRotation,
        ...(next.replacementFor === undefined || next.traffic !== 'in-rotation'
          ? []
          : [{ kind: 'notify-replaced-stamp' as const, stampId, replacedStampId: next.replacementFor }]),
      ];
    }
    case 'draining': {
      const drain = next.drain;
      return [
        { kind: 'disable-origin', stampId },
        ...(drain === undefined
          ? []
          : [
              { kind: 'schedule-drain-timer' as const, stampId, drainId: drain.id, at: drain.endsAt },
              { kind: 'watch-in-flight' as const, stampId, drainId: drain.id },
            ]),
      ];
    }
    case 'quarantined':
      return [
        ...(previous.drain === undefined
          ? []
          : [{ kind: 'cancel-drain-timer' as const, stampId, drainId: previous.drain.id }]),
        { kind: 'remove-origin', stampId },
        { kind: 'preserve-diagnostics', stampId },
        ...(policy.quarantine.autoVerify ? [{ kind: 'run-quarantine-checks' as const, stampId }] : []),
      ];
    case 'decommissioning':
      return [{ kind: 'delete-workloads', stampId }];
    case 'archived':
      return [
        { kind: 'archive-records', stampId },
        ...timerIf(next.deadlines.purgeDueAt, (dueAt) => ({ kind: 'schedule-purge', stampId, dueAt })),
      ];
    case 'purged':
      return [
        { kind: 'remove-origin', stampId },
        { kind: 'delete-resource-group', stampId, resourceGroup: stampResourceGroup(stampId) },
        ...timerIf(previous.archive?.retainUntil, (retainUntil) => ({
          kind: 'release-archive',
          stampId,
          retainUntil,
        })),
        ...timerIf(previous.deadlines.purgeDueAt, (dueAt) => ({ kind: 'unschedule-purge', stampId, dueAt })),
      ];
    case 'failed':
      return previous.phase === 'registering'
        ? [
            { kind: 'remove-origin', stampId },
            {
              kind: 'raise-incident',
              stampId,
              incident: 'registration-timeout',
              detail: `${stampId} never became healthy in Front Door; its origin was removed`,
            },
          ]
        : [
            {
              kind: 'raise-incident',
              stampId,
              incident: 'deployment-failed',
              detail: `${stampId} failed to deploy: ${next.deployment?.error ?? 'unknown error'}`,
            },
          ];
    case 'provisioning':
      return [];
  }
}

function timerIf(at: string | undefined, make: (at: string) => Effect): Effect[] {
  return at === undefined ? [] : [make(at)];
}

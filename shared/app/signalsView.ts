import { addMinutes } from '../lifecycle/time';
import type { SignalRecord, StoredSignalOutcome } from '../ports/signalLog';
import { REJECTION_BURST } from './alertIntake';
import type { Services } from './serviceTypes';

export interface SignalsQuery {
  /** How far back the counts and the list reach. */
  readonly minutes: number;
  /** The list shows these outcomes (by default what was not accepted). */
  readonly outcome?: StoredSignalOutcome;
  readonly limit: number;
}

export interface SignalsView {
  readonly since: string;
  readonly counts: Readonly<Record<StoredSignalOutcome, number>>;
  readonly duplicates: { readonly count: number; readonly since: string; readonly scope: 'this instance' };
  readonly burst: {
    readonly notAccepted: number;
    readonly threshold: number;
    readonly windowMinutes: number;
    readonly incident: boolean;
  };
  readonly recent: readonly SignalRecord[];
}

/** What `GET /api/signals` answers: counts by outcome, duplicates, the burst state and the list. */
export async function signalsView(svc: Services, query: SignalsQuery): Promise<SignalsView> {
  const now = svc.clock.now().toISOString();
  const since = addMinutes(now, -query.minutes);
  const burstSince = addMinutes(now, -REJECTION_BURST.windowMinutes);
  const [accepted, unmatched, rejected, burstUnmatched, burstRejected] = await Promise.all([
    svc.signals.count('accepted', since),
    svc.signals.count('unmatched', since),
    svc.signals.count('rejected', since),
    svc.signals.count('unmatched', burstSince),
    svc.signals.count('rejected', burstSince),
  ]);
  const recent =
    query.outcome === undefined
      ? [
          ...(await svc.signals.recent({ since, limit: query.limit, outcome: 'rejected' })),
          ...(await svc.signals.recent({ since, limit: query.limit, outcome: 'unmatched' })),
        ]
          .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))
          .slice(0, query.limit)
      : await svc.signals.recent({ since, limit: query.limit, outcome: query.outcome });
  const notAccepted = burstUnmatched + burstRejected;
  return {
    since,
    counts: { accepted, unmatched, rejected },
    duplicates: {
      count: svc.signalCounts.snapshot().duplicate,
      since: svc.signalCounts.since,
      scope: 'this instance',
    },
    burst: {
      notAccepted,
      threshold: REJECTION_BURST.count,
      windowMinutes: REJECTION_BURST.windowMinutes,
      incident: notAccepted >= REJECTION_BURST.count,
    },
    recent,
  };
}

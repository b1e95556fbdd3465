import type { SignalOutcome } from '../ports/signalLog';

/**
 * Counts kept in this process since it started. Duplicates are counted here only: storing them
 * would make a duplicate cost a write on top of its one point read. On Azure each instance of the
 * function app counts its own.
 */
export class SignalCounts {
  private readonly counts: Record<SignalOutcome, number> = {
    accepted: 0,
    duplicate: 0,
    unmatched: 0,
    rejected: 0,
  };

  constructor(readonly since: string) {}

  add(outcome: SignalOutcome): void {
    this.counts[outcome] += 1;
  }

  snapshot(): Readonly<Record<SignalOutcome, number>> {
    return { ...this.counts };
  }
}

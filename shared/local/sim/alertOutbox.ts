import { ensureError } from '../../errors';

/**
 * Alert notifications waiting for delivery, in order. A delivery that rejects (or throws)
 * stops the pass and stays first in line for the next evaluation, as Azure Monitor retries:
 * nothing is lost, reordered or allowed to crash the simulation.
 */
export class AlertOutbox {
  private readonly queue: unknown[] = [];
  private pass: Promise<void> | undefined;
  private deliveredCount = 0;
  private failureCount = 0;
  private lastFailure: string | undefined;
  /** The last pass stopped at a failed delivery: the queue waits for the next evaluation. */
  private stalled = false;

  constructor(private readonly deliver: (payload: unknown) => Promise<void>) {}

  enqueue(payloads: readonly unknown[]): void {
    this.queue.push(...payloads);
  }

  /** Starts a delivery pass unless one is going on (which will also take what was just queued). */
  kick(): void {
    this.pass ??= this.deliverQueued().finally(() => {
      this.pass = undefined;
    });
  }

  /** Delivers what is queued now: waits for a pass going on, then runs one more. */
  async flush(): Promise<void> {
    await this.pass;
    this.kick();
    await this.pass;
  }

  /** Waits for a pass going on, without starting one. */
  async idle(): Promise<void> {
    await this.pass;
  }

  stats(): {
    pending: number;
    delivering: boolean;
    waitingForRetry: boolean;
    delivered: number;
    failedDeliveries: number;
    lastDeliveryError?: string;
  } {
    return {
      pending: this.queue.length,
      delivering: this.pass !== undefined,
      waitingForRetry: this.pass === undefined && this.stalled && this.queue.length > 0,
      delivered: this.deliveredCount,
      failedDeliveries: this.failureCount,
      ...(this.lastFailure === undefined ? {} : { lastDeliveryError: this.lastFailure }),
    };
  }

  private async deliverQueued(): Promise<void> {
    this.stalled = false;
    while (this.queue.length > 0) {
      const head = this.queue[0];
      try {
        // Through a then() so that a receiver throwing synchronously is a rejection too.
        await Promise.resolve().then(() => this.deliver(head));
      } catch (error: unknown) {
        this.failureCount += 1;
        this.lastFailure = ensureError(error).message;
        this.stalled = true;
        return;
      }
      this.queue.shift();
      this.deliveredCount += 1;
    }
  }
}

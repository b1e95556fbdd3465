/**
 * The `idle()` of a local transport (Service Bus, Event Grid, timers, the durable runtime): callers
 * wait until the transport has no work in flight. Waiters are resolved on the next turn of the
 * event loop, and only if the transport is still idle then, so work that a settling handler starts
 * synchronously is not missed. A waiter may carry a condition of its own (the durable runtime's
 * "activities too, or only episodes").
 */
export class IdleWaiters<Condition = void> {
  private waiters: { readonly condition: Condition; readonly resolve: () => void }[] = [];

  constructor(private readonly isIdle: (condition: Condition) => boolean) {}

  /** Resolves once the transport is idle for `condition`. */
  wait(condition: Condition): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiters.push({ condition, resolve });
      this.check();
    });
  }

  /** Call whenever work ends: resolves the waiters whose condition now holds. */
  check(): void {
    if (!this.waiters.some((w) => this.isIdle(w.condition))) return;
    setImmediate(() => {
      const ready = this.waiters.filter((w) => this.isIdle(w.condition));
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      for (const waiter of ready) waiter.resolve();
    });
  }
}

import { ensureError } from '../../errors';
import type { Clock } from '../../ports/clock';

/**
 * Runs `tick` at every multiple of `intervalMs` of simulated time, sleeping on the injected
 * clock (never in real time). The next sleep is armed before the tick's asynchronous work
 * goes on, so a manual clock's `advance` sees it and fires every due tick at its own instant.
 */
export class SimulationLoop {
  /**
   * Each sleep gets its own controller: a clock may leave its abort listener on the signal
   * after the sleep fired (ManualClock does), and one signal for the loop's life would collect
   * thousands of them.
   */
  private sleep: AbortController | undefined;
  private stopping = false;
  private running: Promise<void> | undefined;
  /** A tick that threw ends the loop; stop() reports it rather than an unhandled rejection. */
  private failure: Error | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly tick: (at: number) => void,
  ) {}

  /** Starts ticking from the next multiple of the interval after now; a second start is a no-op. */
  start(): void {
    if (this.running !== undefined) return;
    this.stopping = false;
    this.running = this.run();
  }

  /** Aborts the pending sleep (so a process can exit), waits for the loop to end, and rethrows a tick's error. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.sleep?.abort(new Error('simulation stopped'));
    await this.running;
    this.running = undefined;
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) throw failure;
  }

  private async run(): Promise<void> {
    let next = (Math.floor(this.clock.now().getTime() / this.intervalMs) + 1) * this.intervalMs;
    while (!this.stopping) {
      const sleep = new AbortController();
      this.sleep = sleep;
      try {
        await this.clock.sleepUntil(new Date(next), sleep.signal);
      } catch {
        // Only an abort ends a sleep with an error: stop() was called.
        return;
      } finally {
        this.sleep = undefined;
      }
      try {
        this.tick(next);
      } catch (error: unknown) {
        this.failure = ensureError(error);
        return;
      }
      next += this.intervalMs;
    }
  }
}

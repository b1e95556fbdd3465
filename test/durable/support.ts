import { EventType, type HistoryEvent } from '../../shared/local/durable/historyEvent';
import type { LocalDurableRuntime } from '../../shared/local/durable/runtime';

/** The current execution's history of an instance (fails the test if there is none). */
export async function historyOf(runtime: LocalDurableRuntime, instanceId: string): Promise<HistoryEvent[]> {
  const record = await runtime.readRecord(instanceId);
  if (record === undefined) throw new Error(`no record for ${instanceId}`);
  return record.execution.history;
}

export function ofType(history: readonly HistoryEvent[], type: number): HistoryEvent[] {
  return history.filter((e) => e.EventType === type);
}

export { EventType };

/** Lets the event loop turn `n` times (no real-time sleep). */
export async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

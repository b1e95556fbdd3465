import type { DurableClient } from 'durable-functions';

import type { Effect } from '../../lifecycle/effects';
import type { LifecycleInput } from './lifecycleState';
import { STAMP_LIFECYCLE, WAKE_EVENT } from './stampLifecycleOrchestrator';

const LISTENING = new Set(['Running', 'Pending', 'ContinuedAsNew']);

/** Whether the stamp's orchestration is there to receive a wake-up (getStatus rejects when absent). */
export async function isListening(client: DurableClient, stampId: string): Promise<boolean> {
  try {
    return LISTENING.has((await client.getStatus(stampId)).runtimeStatus);
  } catch {
    return false;
  }
}

/**
 * Makes sure the stamp's orchestration will look at its inbox: wakes it when it is running,
 * (re)starts it otherwise, running `startWith` first (see resumeEffects). A raised event on a
 * finished instance is silently lost (it answers 410 and the client resolves), so the status is
 * read first.
 */
export async function wakeStamp(
  client: DurableClient,
  stampId: string,
  startWith: readonly Effect[] = [],
): Promise<'woken' | 'started'> {
  if (await isListening(client, stampId)) {
    await client.raiseEvent(stampId, WAKE_EVENT, null);
    return 'woken';
  }
  await startStamp(client, stampId, startWith);
  return 'started';
}

/** Starts a new stamp's orchestration with its first effects, unless a redelivered request already did. */
export async function startStampOnce(
  client: DurableClient,
  stampId: string,
  effects: readonly Effect[],
): Promise<void> {
  if (!(await isListening(client, stampId))) await startStamp(client, stampId, effects);
}

/** Starts a stamp's orchestration (instance id = stamp id) with the effects it must run first. */
export async function startStamp(
  client: DurableClient,
  stampId: string,
  effects: readonly Effect[],
): Promise<void> {
  const input: LifecycleInput = { stampId, effects: [...effects], watches: [], drainTimers: {} };
  await client.startNew(STAMP_LIFECYCLE, { instanceId: stampId, input });
}

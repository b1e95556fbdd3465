import type { AlertClassification } from '../../shared/lifecycle/alerts/classifyAlert';
import { classifyAlert } from '../../shared/lifecycle/alerts/classifyAlert';
import { DEFAULT_POLICY } from '../../shared/lifecycle/policy';
import { ManualClock } from '../../shared/local/clock/manualClock';
import type { MetricAlertPayload } from '../../shared/local/sim';
import { SimulatedAzure, type SimulatedAzureOptions } from '../../shared/local/sim';
import type { StampDeploymentRequest } from '../../shared/ports/deployer';

export const T0 = new Date('2025-01-01T00:00:00.000Z');
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

export interface Harness {
  readonly clock: ManualClock;
  readonly sim: SimulatedAzure;
  /** Every alert notification delivered to onAlert, in order. */
  readonly alerts: MetricAlertPayload[];
}

/** A simulation of the seed's three regions on a manual clock at T0, collecting its alerts. */
export function harness(
  options: Partial<Omit<SimulatedAzureOptions, 'clock' | 'regions'>> & { start?: boolean } = {},
): Harness {
  const clock = new ManualClock(T0);
  const alerts: MetricAlertPayload[] = [];
  const { start = true, ...rest } = options;
  const sim = new SimulatedAzure({
    clock,
    regions: DEFAULT_POLICY.regions,
    onAlert: (payload) => {
      alerts.push(payload as MetricAlertPayload);
      return Promise.resolve();
    },
    ...rest,
  });
  if (start) sim.start();
  return { clock, sim, alerts };
}

export function deploymentRequest(stampId: string, region: string, generation = 1): StampDeploymentRequest {
  return { stampId, region, generation, deploymentName: `stamp-${stampId}-${generation}` };
}

/** Time since T0, as `mm:ss`, to compare instants readably. */
export function sinceT0(iso: string): string {
  const ms = Date.parse(iso) - T0.getTime();
  const minutes = Math.floor(ms / MINUTE);
  const seconds = Math.floor((ms % MINUTE) / SECOND);
  return `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
}

/**
 * Advances in steps until `done()` holds and returns how long that took; fails past `limitMs`
 * so that a test can never spin for ever.
 */
export async function advanceUntil(
  clock: ManualClock,
  done: () => Promise<boolean> | boolean,
  stepMs: number,
  limitMs: number,
): Promise<number> {
  const start = clock.now().getTime();
  while (!(await done())) {
    if (clock.now().getTime() - start >= limitMs) throw new Error(`condition not met within ${limitMs} ms`);
    await clock.advance(stepMs);
  }
  return clock.now().getTime() - start;
}

/** classifyAlert at the alert's own time, as the receiver would on arrival. */
export function classify(payload: MetricAlertPayload): AlertClassification {
  const { essentials } = payload.data;
  return classifyAlert(payload, essentials.resolvedDateTime ?? essentials.firedDateTime);
}

/** `{type, stampId}` of a classified alert, or `unmatched`/`invalid` with the reason. */
export function signalOf(payload: MetricAlertPayload): string {
  const classification = classify(payload);
  if (classification.kind === 'signal')
    return `${classification.signal.type} ${classification.signal.stampId}`;
  return classification.kind;
}

/** What the quarantine checks are given for a stamp (the simulation reads only its id). */
export function checkRun(stampId: string): { stampId: string; leftRotationAt: string } {
  return { stampId, leftRotationAt: '2025-01-01T00:00:00.000Z' };
}

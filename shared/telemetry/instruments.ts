import { type Counter, type Histogram, metrics } from '@opentelemetry/api';

import { TRACER_NAME } from './spans';

/**
 * The control plane's own measurements, as OpenTelemetry instruments (names after the
 * OpenTelemetry naming guidance: a namespace, dots, units in `unit`):
 * https://opentelemetry.io/docs/specs/semconv/general/metrics/
 * Created on first use from the global meter provider: without an SDK they are no-ops.
 */
interface Instruments {
  readonly signals: Counter;
  readonly decisions: Counter;
  readonly guardRefusals: Counter;
  readonly phaseDuration: Histogram;
  readonly alertToIsolation: Histogram;
  readonly failureToReplacement: Histogram;
  readonly reconcilerActions: Counter;
}

let instruments: Instruments | undefined;

function get(): Instruments {
  if (instruments !== undefined) return instruments;
  const meter = metrics.getMeter(TRACER_NAME);
  const counter = (name: string, description: string): Counter => meter.createCounter(name, { description });
  const seconds = (name: string, description: string): Histogram =>
    meter.createHistogram(name, { description, unit: 's' });
  instruments = {
    signals: counter(
      'stamps.signals',
      'alerts and stamp signals received, by where they came in and what was done with them',
    ),
    decisions: counter(
      'stamps.decisions',
      'events the lifecycle core decided, by event type and outcome (transition, updated, refused, ignored)',
    ),
    guardRefusals: counter('stamps.guard.refusals', 'transitions a guard refused, by guard'),
    phaseDuration: seconds(
      'stamps.phase.duration',
      'time a stamp spent in a phase, recorded when it leaves the phase',
    ),
    alertToIsolation: seconds(
      'stamps.alert_to_isolation.duration',
      'from the first failing health alert to the stamp leaving rotation',
    ),
    failureToReplacement: seconds(
      'stamps.failure_to_replacement.duration',
      'from an isolation to its replacement becoming active',
    ),
    reconcilerActions: counter('stamps.reconciler.actions', 'what the fleet reconciler did, by action'),
  };
  return instruments;
}

/** Forgets the instruments: a new meter provider (a test's) gets new ones. */
export function resetInstruments(): void {
  instruments = undefined;
}

export function countSignal(via: 'alert-receiver' | 'event-grid', outcome: string): void {
  get().signals.add(1, { via, outcome });
}

export function countDecision(event: string, outcome: string, guard?: string): void {
  get().decisions.add(1, { event, outcome });
  if (guard !== undefined) get().guardRefusals.add(1, { guard });
}

export function recordPhaseDuration(phase: string, seconds: number): void {
  if (seconds >= 0) get().phaseDuration.record(seconds, { phase });
}

export function recordAlertToIsolation(seconds: number, by: string): void {
  if (seconds >= 0) get().alertToIsolation.record(seconds, { by });
}

export function recordFailureToReplacement(seconds: number): void {
  if (seconds >= 0) get().failureToReplacement.record(seconds);
}

export function countReconcilerAction(action: string): void {
  get().reconcilerActions.add(1, { action });
}

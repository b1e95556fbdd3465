import { z } from 'zod';

import type { StampSignal, StampSignalType } from '../lifecycle/alerts/classifyAlert';
import { STAMP_ID_EXAMPLE, STAMP_ID_PATTERN } from '../lifecycle/stampNames';
import { STAMP_EVENT_TYPES, type StampCloudEvent, stampCloudEvent } from '../ports/eventPublisher';

/** CloudEvent type ↔ signal type (docs/architecture.md §6). */
const SIGNAL_CLOUD_TYPES: Record<StampSignalType, string> = {
  HealthProbeFailed: STAMP_EVENT_TYPES.HealthProbeFailed,
  HealthProbeRecovered: STAMP_EVENT_TYPES.HealthProbeRecovered,
  CapacityHigh: STAMP_EVENT_TYPES.CapacityHigh,
  CapacityLow: STAMP_EVENT_TYPES.CapacityLow,
  CapacityResolved: STAMP_EVENT_TYPES.CapacityResolved,
};

export function signalCloudEvent(signal: StampSignal): StampCloudEvent<StampSignal> {
  return stampCloudEvent(
    STAMP_EVENT_TYPES[signal.type],
    signal.eventId,
    signal.stampId,
    signal.observedAt,
    signal,
  );
}

const signalData = z.object({
  type: z.enum([
    'HealthProbeFailed',
    'HealthProbeRecovered',
    'CapacityHigh',
    'CapacityLow',
    'CapacityResolved',
  ]),
  stampId: z.string().regex(STAMP_ID_PATTERN, `must be a stamp id such as ${STAMP_ID_EXAMPLE}`),
  eventId: z.string().min(1).max(1024),
  alertId: z.string().min(1).max(1024),
  alertRule: z.string().max(1024),
  observedAt: z.iso.datetime({ offset: true }),
  severity: z.string().max(64).optional(),
  metricName: z.string().max(256).optional(),
  metricValue: z.number().optional(),
});

const cloudEvent = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(1024),
  type: z.string(),
  source: z.string(),
  data: signalData,
});

export type ParsedSignal =
  { readonly ok: true; readonly signal: StampSignal } | { readonly ok: false; readonly detail: string };

/**
 * A stamp signal as it arrives from Event Grid (CloudEvents 1.0), from our alert receiver or any
 * other monitor. The CloudEvent type must agree with the signal it carries.
 */
export function parseSignalEvent(input: unknown): ParsedSignal {
  const parsed = cloudEvent.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      detail: `not a stamp signal: '${issue?.path.map(String).join('.') ?? ''}': ${issue?.message ?? ''}`,
    };
  }
  const { type, data } = parsed.data;
  if (SIGNAL_CLOUD_TYPES[data.type] !== type) {
    return { ok: false, detail: `CloudEvent type '${type}' does not match the signal '${data.type}'` };
  }
  const { severity, metricName, metricValue, ...required } = data;
  return {
    ok: true,
    signal: {
      ...required,
      ...(severity === undefined ? {} : { severity }),
      ...(metricName === undefined ? {} : { metricName }),
      ...(metricValue === undefined ? {} : { metricValue }),
    },
  };
}

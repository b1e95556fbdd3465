/**
 * The port to Event Grid: stamp signals (from the alert receiver or any monitor) and lifecycle
 * notifications, as CloudEvents 1.0.
 */
export const STAMP_EVENT_TYPES = {
  HealthProbeFailed: 'Synaxis.Stamp.HealthProbeFailed',
  HealthProbeRecovered: 'Synaxis.Stamp.HealthProbeRecovered',
  CapacityHigh: 'Synaxis.Stamp.CapacityHigh',
  CapacityLow: 'Synaxis.Stamp.CapacityLow',
  CapacityResolved: 'Synaxis.Stamp.CapacityResolved',
  PhaseChanged: 'Synaxis.Stamp.PhaseChanged',
  IncidentRaised: 'Synaxis.Stamp.IncidentRaised',
} as const;

export type StampCloudEventType = (typeof STAMP_EVENT_TYPES)[keyof typeof STAMP_EVENT_TYPES];

export interface StampCloudEvent<TData = unknown> {
  readonly specversion: '1.0';
  readonly id: string;
  /** `/synaxis/stamps` for everything this control plane emits. */
  readonly source: string;
  readonly type: StampCloudEventType;
  /** `stamps/{stampId}`. */
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly data: TData;
  /**
   * The W3C trace context of the work that published it (the CloudEvents distributed-tracing
   * extension attribute), so the subscriber's work joins the same trace.
   */
  readonly traceparent?: string;
}

export const STAMP_EVENT_SOURCE = '/synaxis/stamps';

export function stampCloudEvent<TData>(
  type: StampCloudEventType,
  id: string,
  stampId: string,
  time: string,
  data: TData,
): StampCloudEvent<TData> {
  return {
    specversion: '1.0',
    id,
    source: STAMP_EVENT_SOURCE,
    type,
    subject: `stamps/${stampId}`,
    time,
    datacontenttype: 'application/json',
    data,
  };
}

export interface EventPublisher {
  publish(events: readonly StampCloudEvent[]): Promise<void>;
}

/**
 * Everything that can happen to one stamp, as data. Each event carries the id of the inbound
 * message it came from, so handling it twice has no further effect (guard 5).
 */
interface EventBase {
  /** Idempotency key: the Event Grid / Service Bus / HTTP request id it came from. */
  readonly id: string;
}

interface OperatorInput {
  readonly actor: string;
  readonly reason: string;
  /** Asks to override a guard; only honoured with a non-empty reason, which is audited. */
  readonly override?: boolean;
}

export type StampEvent =
  | (EventBase & {
      readonly type: 'DeploymentSucceeded';
      readonly originHostName: string;
      readonly outputs?: Readonly<Record<string, string>>;
    })
  | (EventBase & { readonly type: 'DeploymentFailed'; readonly error: string })
  | (EventBase & { readonly type: 'OriginHealthy' })
  | (EventBase & { readonly type: 'RegistrationTimedOut' })
  | (EventBase & {
      readonly type: 'HealthProbeFailed';
      readonly alertId: string;
      readonly observedAt: string;
    })
  | (EventBase & {
      readonly type: 'HealthProbeRecovered';
      readonly alertId: string;
      readonly observedAt: string;
    })
  | (EventBase & { readonly type: 'IsolationDecisionDue' })
  | (EventBase & { readonly type: 'IsolationGraceExpired' })
  | (EventBase & { readonly type: 'ReplacementActive'; readonly replacementId: string })
  | (EventBase & OperatorInput & { readonly type: 'IsolateRequested' })
  | (EventBase &
      OperatorInput & {
        readonly type: 'DrainRequested';
        /** `reconciler` drains (a surplus retired) come from automation and never override a guard. */
        readonly source: 'operator' | 'reconciler';
        readonly drainMinutes?: number;
      })
  | (EventBase & { readonly type: 'DrainTimerFired'; readonly drainId: string })
  | (EventBase & { readonly type: 'InFlightDrained'; readonly drainId: string })
  | (EventBase & {
      readonly type: 'QuarantineChecksCompleted';
      readonly passed: boolean;
      readonly detail: string;
    })
  | (EventBase & OperatorInput & { readonly type: 'QuarantineApproved' })
  | (EventBase & { readonly type: 'DecommissionCompleted' })
  | (EventBase & { readonly type: 'RetentionElapsed' })
  | (EventBase & OperatorInput & { readonly type: 'CleanupRequested' })
  /** Ends an isolation and puts the stamp back in rotation. */
  | (EventBase & OperatorInput & { readonly type: 'RejoinRequested' })
  /** Ends a drain while it runs: the stamp goes back to rotation. */
  | (EventBase & OperatorInput & { readonly type: 'DrainCancelRequested' });

export type StampEventType = StampEvent['type'];

export type EventOf<T extends StampEventType> = Extract<StampEvent, { type: T }>;

export const STAMP_EVENT_TYPES: readonly StampEventType[] = [
  'DeploymentSucceeded',
  'DeploymentFailed',
  'OriginHealthy',
  'RegistrationTimedOut',
  'HealthProbeFailed',
  'HealthProbeRecovered',
  'IsolationDecisionDue',
  'IsolationGraceExpired',
  'ReplacementActive',
  'IsolateRequested',
  'DrainRequested',
  'DrainTimerFired',
  'InFlightDrained',
  'QuarantineChecksCompleted',
  'QuarantineApproved',
  'DecommissionCompleted',
  'RetentionElapsed',
  'CleanupRequested',
  'RejoinRequested',
  'DrainCancelRequested',
];

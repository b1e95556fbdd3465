import type { EventOf, StampEvent } from './events';

/**
 * The operator's commands on one stamp, in one table: the event each becomes, whether it needs a
 * reason (it goes into the audit record) and which options it takes. The HTTP routes
 * (`POST /api/stamps/{id}/{command}`), their body schemas, the `command` queue message and stampctl
 * are all built from this table; adding a command is a row here and the decision that handles its
 * event (in `decide/`).
 */
export const OPERATOR_COMMANDS = {
  drain: {
    summary: 'drain a stamp: out of rotation, in-flight work finishes',
    event: 'DrainRequested',
    reason: 'optional',
    defaultReason: 'drain requested',
    override: true,
    drainMinutes: true,
  },
  isolate: {
    summary: 'take a stamp out of rotation now; it stays isolated until rejoined or drained',
    event: 'IsolateRequested',
    reason: 'required',
    override: true,
    drainMinutes: false,
  },
  verify: {
    summary: 'approve a quarantined stamp for decommissioning',
    event: 'QuarantineApproved',
    reason: 'optional',
    defaultReason: 'verified by operator',
    override: true,
    drainMinutes: false,
    approval: true,
  },
  rejoin: {
    summary: 'put an isolated stamp back in rotation',
    event: 'RejoinRequested',
    reason: 'required',
    override: true,
    drainMinutes: false,
  },
  'cancel-drain': {
    summary: 'stop a drain; the stamp goes back in rotation',
    event: 'DrainCancelRequested',
    reason: 'required',
    override: true,
    drainMinutes: false,
  },
  'pause-ramp': {
    summary: "hold a stamp's traffic ramp at its current step",
    event: 'RampPauseRequested',
    reason: 'required',
    override: false,
    drainMinutes: false,
  },
  'continue-ramp': {
    summary: 'let a paused ramp go on: the current step bakes again, then the canary check decides',
    event: 'RampContinueRequested',
    reason: 'required',
    override: false,
    drainMinutes: false,
  },
  'skip-ramp': {
    summary: 'end a ramp now: the stamp takes its full weight without the remaining canary checks',
    event: 'RampSkipRequested',
    reason: 'required',
    // A ramp the canary check held as worse than its peers is skipped only with an override.
    override: true,
    drainMinutes: false,
  },
  cleanup: {
    summary: 'clean up a failed stamp (record kept, resources removed)',
    event: 'CleanupRequested',
    reason: 'required',
    override: false,
    drainMinutes: false,
  },
} as const satisfies Record<string, OperatorCommandSpec>;

export interface OperatorCommandSpec {
  /** What it does, in a line of help. */
  readonly summary: string;
  readonly event: OperatorEventType;
  /** `required`: refused without one; `optional`: `defaultReason` stands in. */
  readonly reason: 'required' | 'optional';
  readonly defaultReason?: string;
  /** Whether a guard can refuse it, so that an override (with a reason) means something. */
  readonly override: boolean;
  readonly drainMinutes: boolean;
  /** An approval: the signed-in principal approves (four eyes apply), recorded as `approvedBy`. */
  readonly approval?: boolean;
}

export type OperatorCommand = keyof typeof OPERATOR_COMMANDS;

export const OPERATOR_COMMAND_NAMES = Object.keys(OPERATOR_COMMANDS) as [
  OperatorCommand,
  ...OperatorCommand[],
];

/** The events an operator's command becomes: each carries who asked and why. */
export type OperatorEventType = {
  [T in StampEvent['type']]: EventOf<T> extends { readonly actor: string; readonly reason: string }
    ? T
    : never;
}[StampEvent['type']];

export interface OperatorRequest {
  /** The idempotency key: the HTTP invocation or the queue message it came from. */
  readonly id: string;
  /** The principal's display name (or the reconciler's name). */
  readonly actor: string;
  /** The signed-in principal's object id; absent for the reconciler and queued commands. */
  readonly actorId?: string | undefined;
  readonly reason?: string | undefined;
  readonly override?: boolean | undefined;
  readonly drainMinutes?: number | undefined;
  /** Who asked for a drain: the reconciler's drains never override a guard. */
  readonly source?: 'operator' | 'reconciler';
}

/** A command's row, as the general shape (every row's options, present or not). */
export function commandSpec(command: OperatorCommand): OperatorCommandSpec {
  return OPERATOR_COMMANDS[command];
}

export function isOperatorCommand(name: string): name is OperatorCommand {
  return Object.hasOwn(OPERATOR_COMMANDS, name);
}

/** The one place an operator's request becomes a stamp event. */
export function operatorEvent(command: OperatorCommand, request: OperatorRequest): StampEvent {
  const spec = commandSpec(command);
  const base = {
    id: request.id,
    actor: request.actor,
    ...(request.actorId === undefined ? {} : { actorId: request.actorId }),
    reason: request.reason ?? spec.defaultReason ?? '',
    ...(spec.override && request.override !== undefined ? { override: request.override } : {}),
  };
  if (spec.event === 'DrainRequested') {
    return {
      type: 'DrainRequested',
      source: request.source ?? 'operator',
      ...base,
      ...(request.drainMinutes === undefined ? {} : { drainMinutes: request.drainMinutes }),
    };
  }
  return { type: spec.event, ...base };
}

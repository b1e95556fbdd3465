import { StampsError } from '../../errors';

/**
 * The typed errors of the local durable runtime. Each names the instance it concerns (where
 * there is one) and carries a stable `code`; the Durable HTTP API maps codes to status codes.
 */
export abstract class DurableRuntimeError extends StampsError {
  readonly retryable: boolean = false;

  constructor(
    message: string,
    readonly instanceId: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class OrchestratorNotFoundError extends DurableRuntimeError {
  readonly code = 'OrchestratorNotFound';

  constructor(
    readonly orchestratorName: string,
    instanceId?: string,
  ) {
    super(
      `the function '${orchestratorName}' doesn't exist or is not an orchestrator function` +
        (instanceId === undefined ? '' : ` (instance '${instanceId}')`),
      instanceId,
    );
  }
}

export class InstanceNotFoundError extends DurableRuntimeError {
  readonly code = 'InstanceNotFound';

  constructor(instanceId: string) {
    super(`no orchestration instance with id '${instanceId}' exists`, instanceId);
  }
}

/** Start refused: an instance with this id is Pending or Running (Azure's NonRunningStates rule). */
export class InstanceAlreadyExistsError extends DurableRuntimeError {
  readonly code = 'InstanceAlreadyExists';

  constructor(
    instanceId: string,
    readonly runtimeStatus: string,
  ) {
    super(
      `an orchestration instance with id '${instanceId}' already exists and is ${runtimeStatus}`,
      instanceId,
    );
  }
}

/** The instance has finished (Completed, Failed, Terminated): it takes no more events. */
export class InstanceNotRunningError extends DurableRuntimeError {
  readonly code = 'InstanceNotRunning';

  constructor(
    instanceId: string,
    readonly runtimeStatus: string,
    operation: string,
  ) {
    super(`cannot ${operation} orchestration instance '${instanceId}': it is ${runtimeStatus}`, instanceId);
  }
}

/** Purge refused: only finished instances are purged here. */
export class InstanceStillRunningError extends DurableRuntimeError {
  readonly code = 'InstanceStillRunning';

  constructor(
    instanceId: string,
    readonly runtimeStatus: string,
  ) {
    super(`cannot purge orchestration instance '${instanceId}': it is still ${runtimeStatus}`, instanceId);
  }
}

export class InvalidInstanceIdError extends DurableRuntimeError {
  readonly code = 'InvalidInstanceId';

  constructor(instanceId: string, reason: string) {
    super(`invalid orchestration instance id '${instanceId.slice(0, 300)}': ${reason}`, instanceId);
  }
}

export class InvalidInputError extends DurableRuntimeError {
  readonly code = 'InvalidInput';

  constructor(message: string, instanceId?: string, options?: { cause?: unknown }) {
    super(message, instanceId, options);
  }
}

/** A stored instance document that does not parse: never defaulted, never crashes the runtime. */
export class HistoryCorruptError extends DurableRuntimeError {
  readonly code = 'HistoryCorrupt';

  constructor(instanceId: string, reason: string, options?: { cause?: unknown }) {
    super(
      `the stored history of orchestration instance '${instanceId}' cannot be parsed: ${reason}`,
      instanceId,
      options,
    );
  }
}

/** Replay produced an action other than the one recorded at the same position. */
export class NonDeterminismError extends DurableRuntimeError {
  readonly code = 'NonDeterministicOrchestration';

  constructor(
    instanceId: string,
    readonly orchestratorName: string,
    readonly position: number,
    readonly replayedAction: string,
    readonly recordedAction: string,
  ) {
    super(
      `non-deterministic orchestration '${orchestratorName}' (instance '${instanceId}'): ` +
        `at action position ${position} the replay produced ${replayedAction} ` +
        `but the history recorded ${recordedAction}`,
      instanceId,
    );
  }
}

/** The orchestrator used a durable feature this local runtime does not implement. */
export class UnsupportedActionError extends DurableRuntimeError {
  readonly code = 'UnsupportedAction';

  constructor(
    instanceId: string,
    readonly action: string,
  ) {
    super(
      `orchestration instance '${instanceId}' used ${action}, which the local durable runtime does not support`,
      instanceId,
    );
  }
}

/** An activity threw a value that is not an Error (a string, a number, an object...). */
export class ActivityThrewNonErrorError extends DurableRuntimeError {
  readonly code = 'ActivityThrewNonError';

  constructor(
    instanceId: string,
    readonly activityName: string,
    readonly thrownText: string,
  ) {
    super(
      `activity '${activityName}' of instance '${instanceId}' threw a non-Error value: ${thrownText}`,
      instanceId,
    );
  }
}

export class ActivityNotFoundError extends DurableRuntimeError {
  readonly code = 'ActivityNotFound';

  constructor(
    instanceId: string,
    readonly activityName: string,
  ) {
    super(
      `orchestration instance '${instanceId}' called activity '${activityName}', which is not registered`,
      instanceId,
    );
  }
}

/** An activity returned something that cannot be stored as JSON. */
export class ActivityResultNotSerializableError extends DurableRuntimeError {
  readonly code = 'ActivityResultNotSerializable';

  constructor(instanceId: string, activityName: string, options?: { cause?: unknown }) {
    super(
      `activity '${activityName}' of instance '${instanceId}' returned a value that is not JSON-serializable`,
      instanceId,
      options,
    );
  }
}

export class RuntimeStoppedError extends DurableRuntimeError {
  readonly code = 'RuntimeStopped';

  constructor() {
    super('the local durable runtime is stopped', undefined);
  }
}

/** The runtime's Durable HTTP API is not listening, so no client binding can be made. */
export class HttpApiNotListeningError extends DurableRuntimeError {
  readonly code = 'HttpApiNotListening';

  constructor() {
    super('the Durable HTTP API is not listening: call runtime.listen() first', undefined);
  }
}

import { StampsError } from '../../errors';

/** The local host was given function metadata it cannot read (it should never happen with @azure/functions). */
export class InvalidFunctionMetadataError extends StampsError {
  readonly code = 'InvalidFunctionMetadata';
  readonly retryable = false;

  constructor(
    readonly functionName: string | undefined,
    reason: string,
  ) {
    super(`invalid metadata for function '${functionName ?? '<unnamed>'}': ${reason}`);
  }
}

/** Two functions registered under one name: the Functions host refuses this too. */
export class FunctionAlreadyRegisteredError extends StampsError {
  readonly code = 'FunctionAlreadyRegistered';
  readonly retryable = false;

  constructor(readonly functionName: string) {
    super(`a function named '${functionName}' is already registered`);
  }
}

/** No registered function has this name (or it has another trigger than the caller needs). */
export class FunctionNotFoundError extends StampsError {
  readonly code = 'FunctionNotFound';
  readonly retryable = false;

  constructor(
    readonly functionName: string,
    readonly expectedTrigger?: string,
  ) {
    super(
      expectedTrigger === undefined
        ? `no function named '${functionName}' is registered`
        : `no ${expectedTrigger} function named '${functionName}' is registered`,
    );
  }
}

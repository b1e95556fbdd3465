import { StampsError } from '../../errors';

/** A send to a session-enabled queue without a sessionId: Service Bus refuses it too. */
export class SessionIdRequiredError extends StampsError {
  readonly code = 'SessionIdRequired';
  readonly retryable = false;

  constructor(readonly queueName: string) {
    super(`queue '${queueName}' requires sessions: the message needs a sessionId`);
  }
}

/** A receiver whose session mode differs from the queue's (the Functions host fails to start it). */
export class SessionModeMismatchError extends StampsError {
  readonly code = 'SessionModeMismatch';
  readonly retryable = false;

  constructor(
    readonly queueName: string,
    readonly queueRequiresSession: boolean,
  ) {
    super(
      queueRequiresSession
        ? `queue '${queueName}' requires sessions: its trigger needs isSessionsEnabled: true`
        : `queue '${queueName}' has no sessions: its trigger cannot set isSessionsEnabled: true`,
    );
  }
}

/** The message body cannot be carried (not JSON-serializable). */
export class InvalidMessageError extends StampsError {
  readonly code = 'InvalidMessage';
  readonly retryable = false;
}

/** The bus was closed; nothing more is accepted. */
export class BusClosedError extends StampsError {
  readonly code = 'BusClosed';
  readonly retryable = false;

  constructor() {
    super('the local Service Bus is closed');
  }
}

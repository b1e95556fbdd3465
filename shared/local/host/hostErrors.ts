import { StampsError } from '../../errors';

/** `LocalHost.start()` called on a host that is serving. */
export class HostAlreadyStartedError extends StampsError {
  readonly code = 'HostAlreadyStarted';
  readonly retryable = false;

  constructor(readonly origin: string | undefined) {
    super(`the local host is already started${origin === undefined ? '' : ` at ${origin}`}`);
  }
}

/** `LocalHost.idle()` kept seeing new work: something re-triggers itself without the clock moving. */
export class HostNeverIdleError extends StampsError {
  readonly code = 'HostNeverIdle';
  readonly retryable = false;

  constructor(readonly passes: number) {
    super(`the local host did not become idle after ${passes} passes: some work keeps triggering more`);
  }
}

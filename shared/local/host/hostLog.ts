/** Severity of a local host log line. */
export type HostLogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Where the local host and its transports (queue, Event Grid, timers) write what they do.
 * One line per call; `npm start` prints them, tests usually collect or drop them.
 */
export type HostLog = (level: HostLogLevel, message: string) => void;

/** Drops everything. */
export const silentLog: HostLog = () => undefined;

/** Turns anything thrown into a one-line description for a log line. */
export function describeError(thrown: unknown): string {
  if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
  return String(thrown);
}

import { ConflictError } from '../errors';

/**
 * Runs a read-decide-write step again when its conditional write lost a race (ConflictError):
 * the step re-reads and re-decides (guard 5). Other errors pass through untouched.
 */
export async function retryOnConflict<T>(what: string, step: () => Promise<T>, attempts = 25): Promise<T> {
  let last: unknown;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      last = error;
      // Let the winner's other writes land before re-reading.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  throw new ConflictError(`${what}: still conflicting after ${attempts} attempts`, { cause: last });
}

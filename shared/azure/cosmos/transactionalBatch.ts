import type { Container, OperationInput, OperationResponse } from '@azure/cosmos';

import { TransientError } from '../../errors';
import { cosmosStatusOf, isTransientStatus, mapCosmosError } from './errors';

/**
 * Runs a transactional batch in one partition. The SDK does not throw when an operation fails:
 * every status is checked here. `classify` names the errors specific to the caller's operations.
 */
export async function runBatch(
  container: Container,
  partitionKey: string,
  operations: OperationInput[],
  what: string,
  classify: (index: number, status: number) => Error | undefined,
): Promise<OperationResponse[]> {
  let results: OperationResponse[];
  try {
    const response = await container.items.batch(operations, partitionKey);
    results = response.result ?? [];
  } catch (thrown) {
    const status = cosmosStatusOf(thrown);
    if (status !== undefined) throw mapCosmosError(thrown, what);
    // @azure/cosmos 4.9.3 re-throws a failed batch request as a plain Error, dropping the
    // status (its own 429 retries are already spent by then); no operation was applied.
    throw new TransientError(`${what}: the batch request failed`, 'CosmosBatchRequest', { cause: thrown });
  }
  if (results.length !== operations.length) {
    throw new Error(`${what}: ${results.length} batch results for ${operations.length} operations`);
  }
  const failed = results.findIndex((result) => result.statusCode >= 400 && result.statusCode !== 424);
  if (failed >= 0) {
    const status = results[failed]?.statusCode ?? 0;
    const specific = classify(failed, status);
    if (specific) throw specific;
    if (isTransientStatus(status)) {
      throw new TransientError(`${what}: operation ${failed} answered ${status}`, `Cosmos${status}`);
    }
    throw new Error(`${what}: operation ${failed} failed with ${status}; the batch was rolled back`);
  }
  if (results.some((result) => result.statusCode >= 400)) {
    throw new Error(`${what}: the batch was rolled back without a failing operation`);
  }
  return results;
}

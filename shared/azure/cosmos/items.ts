import type { Container, ItemDefinition, JSONObject } from '@azure/cosmos';

import { InvalidDocumentError, ValidationError } from '../../errors';
import { cosmosStatusOf, mapCosmosError } from './errors';

/**
 * The point operations every document of the store goes through: a read that answers "absent"
 * for 404, and a conditional write (create when there is no ETag, else replace If-Match), so that
 * a lost race is a ConflictError wherever it happens.
 */
export interface ItemKey {
  readonly id: string;
  readonly partitionKey: string;
}

/** A point read; undefined on 404 (the SDK answers a missing item without throwing). */
export async function readItem(
  container: Container,
  key: ItemKey,
  what: string,
): Promise<{ resource: ItemDefinition; etag: string } | undefined> {
  try {
    const response = await container.item(key.id, key.partitionKey).read<ItemDefinition>();
    if (response.statusCode === 404 || response.resource === undefined) return undefined;
    return {
      resource: response.resource,
      etag: requireEtag(response.etag ?? response.resource._etag, what),
    };
  } catch (thrown) {
    if (cosmosStatusOf(thrown) === 404) return undefined;
    throw mapCosmosError(thrown, what);
  }
}

/**
 * Creates `doc` when `etag` is undefined (it must not exist yet), else replaces it If-Match
 * `etag`. Returns the new ETag. 409 (created meanwhile) and 412 (changed meanwhile) are
 * ConflictError, 404 (deleted meanwhile) NotFoundError, through {@link mapCosmosError}.
 */
export async function writeItem(
  container: Container,
  key: ItemKey,
  doc: Record<string, unknown>,
  etag: string | undefined,
  what: string,
): Promise<string> {
  try {
    const response =
      etag === undefined
        ? await container.items.create(json(doc))
        : await container
            .item(key.id, key.partitionKey)
            .replace(json(doc), { accessCondition: { type: 'IfMatch', condition: etag } });
    return requireEtag(response.etag, what);
  } catch (thrown) {
    throw mapCosmosError(thrown, what);
  }
}

export function requireEtag(etag: string | undefined, what: string): string {
  if (etag === undefined || etag === '') throw new Error(`${what}: Cosmos DB returned no ETag`);
  return etag;
}

/** Our own typed errors (e.g. InvalidDocumentError while parsing a page) pass through unmapped. */
export function rethrowOwn(thrown: unknown): Error | undefined {
  return thrown instanceof ValidationError || thrown instanceof InvalidDocumentError ? thrown : undefined;
}

export function json(doc: Record<string, unknown>): JSONObject {
  // Domain objects are plain JSON by construction (zod schemas of strings, numbers, records).
  return doc as JSONObject;
}

const ID_SAFE = /^[^/\\?#\s]{1,100}$/;

/** Cosmos ids cannot hold `/ \ ? #`: a name that goes into one is checked first. */
export function checkName(field: string, value: string): void {
  if (!ID_SAFE.test(value))
    throw new ValidationError(`${field} '${value}' cannot be part of a document id`, field);
}

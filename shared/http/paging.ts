import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { DEFAULT_PAGE_LIMIT } from '../app/requests';
import { ValidationError } from '../errors';
import type { Page, PageRequest } from '../ports/stampStore';
import { problem } from './problem';

/** The page asked for, or undefined when the caller wants everything (no `limit`, no `continuation`). */
export function pageRequest(query: { limit?: number; continuation?: string }): PageRequest | undefined {
  if (query.limit === undefined && query.continuation === undefined) return undefined;
  return {
    limit: query.limit ?? DEFAULT_PAGE_LIMIT,
    ...(query.continuation === undefined ? {} : { continuation: query.continuation }),
  };
}

/**
 * The members of a paged answer: `continuation` (pass it back as `?continuation=`) and `next`, the
 * URL of the next page with the same filters, both absent on the last page.
 */
export function pageMembers(request: HttpRequest, page: Page<unknown>): Record<string, string> {
  if (page.continuation === undefined) return {};
  const url = new URL(request.url);
  url.searchParams.delete('code');
  url.searchParams.set('continuation', page.continuation);
  return { continuation: page.continuation, next: `${url.pathname}${url.search}` };
}

/** A token the store refused (not ours, another filter, expired) is the caller's 400. */
export async function answerBadToken(run: () => Promise<HttpResponseInit>): Promise<HttpResponseInit> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ValidationError && error.field === 'continuation')
      return problem(400, error.message);
    throw error;
  }
}

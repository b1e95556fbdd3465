import { LOCAL_ACTION_GROUP } from '../../../shared/local/host/localIdentity';
import type { E2E } from '../../e2e/support/harness';

export interface RawAnswer {
  readonly status: number;
  readonly body: string;
}

/** Sends exactly these bytes (no JSON encoding by the helper) and waits until the plane is idle. */
export async function rawRequest(
  e2e: E2E,
  method: string,
  path: string,
  body: string | undefined,
  contentType: string | undefined,
): Promise<RawAnswer> {
  const hasBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
  // The alert receiver's caller is the action group, signed in with its secure webhook token.
  const signIn = path.startsWith('/api/alerts') ? e2e.as(LOCAL_ACTION_GROUP.name) : {};
  const response = await fetch(`${e2e.plane.origin}${path}`, {
    method,
    ...(hasBody ? { body } : {}),
    headers: { ...signIn, ...(hasBody && contentType !== undefined ? { 'content-type': contentType } : {}) },
  });
  const text = await response.text();
  await e2e.settle();
  return { status: response.status, body: text };
}

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
  const response = await fetch(`${e2e.plane.origin}${path}`, {
    method,
    ...(hasBody ? { body } : {}),
    ...(hasBody && contentType !== undefined ? { headers: { 'content-type': contentType } } : {}),
  });
  const text = await response.text();
  await e2e.settle();
  return { status: response.status, body: text };
}

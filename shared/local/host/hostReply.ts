import type { ServerResponse } from 'node:http';

/** A response the local host writes: status, headers and the body bytes (or nothing). */
export interface HostReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body?: Buffer | string;
}

/** RFC 9457 problem details, the error body of every route (issue 4: "Every error is application/problem+json"). */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly [extension: string]: unknown;
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An `application/problem+json` reply with a `detail` a person can act on. */
export function problemReply(
  status: number,
  detail: string,
  options: { instance?: string; headers?: Record<string, string>; extensions?: Record<string, unknown> } = {},
): HostReply {
  const problem: ProblemDetails = {
    ...options.extensions,
    type: 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    ...(options.instance === undefined ? {} : { instance: options.instance }),
  };
  return {
    status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8', ...options.headers },
    body: JSON.stringify(problem),
  };
}

/** A JSON reply. */
export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): HostReply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/** Writes `reply` on a node response (unless something was already sent). */
export function writeReply(response: ServerResponse, reply: HostReply): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(reply.headers)) {
    headers[name] = typeof value === 'string' ? value : [...value];
  }
  if (reply.body !== undefined) headers['content-length'] = String(Buffer.byteLength(reply.body));
  response.writeHead(reply.status, headers);
  response.end(reply.body);
}

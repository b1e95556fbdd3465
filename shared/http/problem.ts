import type { HttpResponseInit } from '@azure/functions';

/**
 * RFC 9457 problem details: every error answer of the API. `detail` is written for the person
 * who made the request: what was wrong and what to do.
 */
export interface Problem {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  /** Extra members (e.g. the refusing guard). */
  readonly [member: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(
  status: number,
  detail: string,
  extra: Record<string, unknown> = {},
): HttpResponseInit {
  const body: Problem = { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, ...extra };
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify(body),
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/**
 * The control plane's HTTP API as the CLI calls it: `fetch` with the function key in
 * `x-functions-key`, answers parsed as JSON, problems (RFC 9457) raised as `ProblemError`.
 */
export const DEFAULT_URL = 'http://127.0.0.1:7071';

/** A 4xx/5xx answer: the server's `detail` and, for a guard's refusal, the `guard`. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly guard: string | undefined,
    /** The problem document as received, for `--json`. */
    readonly body: unknown,
  ) {
    super(`${status} ${title}: ${detail}`);
  }
}

/** The server could not be reached at all (refused, unknown host, reset). */
export class UnreachableError extends Error {
  override readonly name = 'UnreachableError';
  constructor(
    readonly url: string,
    options: { cause: unknown },
  ) {
    super(`cannot reach the control plane at ${url}: is \`npm start\` running?`, options);
  }
}

export interface ApiClient {
  readonly url: string;
  call(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<unknown>;
}

function problemOf(status: number, statusText: string, text: string): ProblemError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    parsed = undefined;
  }
  const o = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const detail = typeof o['detail'] === 'string' ? o['detail'] : text.trim() || statusText || 'no detail';
  const title = typeof o['title'] === 'string' ? o['title'] : statusText;
  const guard = typeof o['guard'] === 'string' ? o['guard'] : undefined;
  return new ProblemError(status, title, detail, guard, parsed ?? { status, detail });
}

/** A client for the API at `url` (an origin, or an origin plus a path prefix). */
export function apiClient(url: string, key: string | undefined): ApiClient {
  const base = url.replace(/\/+$/, '');
  return {
    url: base,
    async call(method, path, body) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (key !== undefined && key !== '') headers['x-functions-key'] = key;
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await fetch(`${base}${path}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (error) {
        // fetch rejects with a TypeError whose cause is the socket error (ECONNREFUSED, ENOTFOUND...).
        throw new UnreachableError(base, { cause: error });
      }
      const text = await response.text();
      if (!response.ok) throw problemOf(response.status, response.statusText, text);
      return text === '' ? {} : (JSON.parse(text) as unknown);
    },
  };
}

import type { TokenSource } from './signIn';

/**
 * The control plane's HTTP API as the CLI calls it: `fetch` with a bearer token when there is
 * one, answers parsed as JSON, problems (RFC 9457) raised as `ProblemError`.
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

export interface ClientOptions {
  /**
   * Sent as `Idempotency-Key` with every POST and PUT of this client: a retry (its own, or a
   * pipeline's re-run with the same key) is then answered with the first answer, not done twice.
   */
  readonly idempotencyKey?: string;
  /** Tries of a change that met a transient failure (503, or no answer), the first included. */
  readonly attempts?: number;
  /** How the client waits between tries (tests pass one that does not). */
  readonly wait?: (ms: number) => Promise<void>;
}

/** The longest wait between tries, whatever Retry-After says: a person is watching. */
const MAX_RETRY_WAIT_MS = 5000;

function retryAfterMs(response: Response | undefined): number {
  const seconds = Number(response?.headers.get('retry-after') ?? '1');
  return Math.min(MAX_RETRY_WAIT_MS, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000);
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
export function apiClient(url: string, token: TokenSource, options: ClientOptions = {}): ApiClient {
  const base = url.replace(/\/+$/, '');
  const { idempotencyKey, attempts = 3 } = options;
  const wait = options.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return {
    url: base,
    async call(method, path, body) {
      const headers: Record<string, string> = { accept: 'application/json' };
      const bearer = await token();
      if (bearer !== undefined) headers['authorization'] = `Bearer ${bearer}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const keyed = method !== 'GET' && idempotencyKey !== undefined;
      if (keyed) headers['idempotency-key'] = idempotencyKey;
      // Only a keyed change is tried again: without the key a retry could do it twice.
      const tries = keyed || method === 'GET' ? attempts : 1;
      for (let attempt = 1; ; attempt += 1) {
        let response: Response;
        try {
          // A redirect is App Service authentication sending a browser to sign in: not an answer.
          response = await fetch(`${base}${path}`, {
            method,
            headers,
            redirect: 'manual',
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
        } catch (error) {
          // fetch rejects with a TypeError whose cause is the socket error (ECONNREFUSED, ENOTFOUND...).
          if (attempt < tries && !refused(error)) {
            await wait(retryAfterMs(undefined));
            continue;
          }
          throw new UnreachableError(base, { cause: error });
        }
        const text = await response.text();
        const transient =
          response.status === 503 ||
          (keyed && response.status === 409 && response.headers.has('retry-after'));
        if (transient && attempt < tries) {
          await wait(retryAfterMs(response));
          continue;
        }
        if (response.status >= 300 && response.status < 400)
          throw new ProblemError(
            response.status,
            'Redirected to sign in',
            `the app sent this request to ${response.headers.get('location') ?? 'a sign-in page'}: sign in with --audience api://<client id>`,
            undefined,
            { status: response.status, location: response.headers.get('location') },
          );
        if (!response.ok) throw problemOf(response.status, response.statusText, text);
        return text === '' ? {} : (JSON.parse(text) as unknown);
      }
    },
  };
}

/** Nothing listens there: trying again at once will not help (and `npm start` may not be running). */
function refused(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return cause?.code === 'ECONNREFUSED' || cause?.code === 'ENOTFOUND';
}

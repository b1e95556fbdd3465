import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Clock } from '../../ports/clock';
import { hasValidSharedKey } from './sharedKey';

/**
 * Version-level WORM (immutable storage) in front of Azurite, which has none (Azure/Azurite#2648):
 * an HTTP proxy that forwards every request to Azurite, so Azurite authenticates it and stores
 * the bytes, and adds what Azure does for a container with version-level immutability:
 *
 * - Put Blob's `x-ms-immutability-policy-until-date`/`-mode` and `x-ms-legal-hold` protect the
 *   written blob; Get/Head Blob answer them back as headers.
 * - Set Blob Immutability Policy (`PUT ?comp=immutabilityPolicies`), Delete Blob Immutability
 *   Policy (`DELETE ?comp=immutabilityPolicies`) and Set Legal Hold (`PUT ?comp=legalhold`):
 *   Azurite authenticates them and answers `501 APINotImplemented`; the stand-in then applies
 *   them. A `Locked` policy can only be extended; it cannot be shortened, unlocked or deleted.
 * - While a blob's policy runs (until-date in the future) or it has a legal hold, deleting or
 *   overwriting it, or changing its metadata or properties, is `409 BlobImmutableDueToPolicy`
 *   (`BlobImmutableDueToLegalHold` when only the legal hold holds it).
 * - The policy headers on a container without version-level immutability are refused with
 *   `409` (`ImmutableStorageWithVersioningNotEnabled`, as the SDK's docs require it enabled).
 *
 * Time is the control plane's clock, so retention runs in simulated time like everything else.
 * Not modelled: blob versions (Azure accepts an overwrite or a delete of a protected blob, makes
 * a new current version and keeps the protected one; here both are refused, which the archive,
 * written once with `If-None-Match: *`, never tries), refusing to delete a container that holds
 * protected blobs, and `x-ms-date` freshness in the Shared Key check. https://learn.microsoft.com/azure/storage/blobs/immutable-version-level-worm-policies
 * https://learn.microsoft.com/rest/api/storageservices/set-blob-immutability-policy
 * https://learn.microsoft.com/rest/api/storageservices/set-blob-legal-hold
 */
export interface WormBlobStandIn {
  /** `http://127.0.0.1:{port}`: the account URL is `{origin}/{account}`. */
  readonly origin: string;
  close(): Promise<void>;
}

interface Protection {
  untilMs?: number;
  mode?: 'Locked' | 'Unlocked';
  legalHold: boolean;
}

export interface WormBlobStandInOptions {
  /** Azurite's Blob origin, `http://127.0.0.1:{port}`. */
  readonly upstream: string;
  readonly clock: Pick<Clock, 'now'>;
  /** Whether a container (`{account}/{container}`) has version-level immutability. */
  readonly isWormContainer: (accountAndContainer: string) => boolean;
  /** The account's key: a write the stand-in refuses itself is authenticated first, as Azure does. */
  readonly accountKey: string;
  /** Where the protections are kept across restarts (--data-dir); in memory only without it. */
  readonly stateFile?: string;
}

const POLICY_UNTIL = 'x-ms-immutability-policy-until-date';
const POLICY_MODE = 'x-ms-immutability-policy-mode';
const LEGAL_HOLD = 'x-ms-legal-hold';

interface Answer {
  status: number;
  headers: http.OutgoingHttpHeaders;
  body: Buffer;
}

export async function startWormBlobStandIn(options: WormBlobStandInOptions): Promise<WormBlobStandIn> {
  const { clock } = options;
  const blobs = new Map<string, Protection>(loadProtections(options.stateFile));
  const upstream = new URL(options.upstream);
  // Its own agent, destroyed on close: idle keep-alive sockets would hold Azurite's graceful close open.
  const agent = new http.Agent({ keepAlive: true });

  const isProtected = (p: Protection | undefined): boolean =>
    p !== undefined && (p.legalHold || (p.untilMs !== undefined && p.untilMs > clock.now().getTime()));

  function storageError(status: number, code: string, message: string): Answer {
    const requestId = randomUUID();
    const body = Buffer.from(
      `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:${requestId}\nTime:${clock.now().toISOString()}</Message></Error>`,
    );
    return {
      status,
      headers: {
        'content-type': 'application/xml',
        'x-ms-error-code': code,
        'x-ms-request-id': requestId,
        'content-length': body.length,
      },
      body,
    };
  }

  const notAuthenticated = (): Answer =>
    storageError(
      403,
      'AuthenticationFailed',
      'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
    );
  /** The stand-in's own refusal, after the authentication Azurite would have done. */
  const refuse = (request: http.IncomingMessage, url: URL, account: string, answer: () => Answer): Answer =>
    hasValidSharedKey(request.method ?? 'GET', url, request.headers, account, options.accountKey)
      ? answer()
      : notAuthenticated();
  const immutable = (): Answer =>
    storageError(
      409,
      'BlobImmutableDueToPolicy',
      'This operation is not permitted as the blob is immutable due to a policy.',
    );
  /** Refused because of what protects the blob: a running policy first, else its legal hold. */
  const protectedBy = (p: Protection | undefined) => (): Answer =>
    p?.untilMs !== undefined && p.untilMs > clock.now().getTime()
      ? immutable()
      : storageError(
          409,
          'BlobImmutableDueToLegalHold',
          'This operation is not permitted as the blob is immutable due to a legal hold.',
        );
  const notEnabled = (): Answer =>
    storageError(
      409,
      'ImmutableStorageWithVersioningNotEnabled',
      'The container does not have version-level immutability (immutable storage with versioning) enabled.',
    );

  function forward(request: http.IncomingMessage, body: Buffer): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const out = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          agent,
          method: request.method,
          path: request.url,
          headers: { ...request.headers, host: upstream.host },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 502,
              headers: { ...response.headers },
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });
  }

  function policyOf(
    request: http.IncomingMessage,
  ): { untilMs?: number; mode?: 'Locked' | 'Unlocked' } | 'invalid' {
    const until = header(request, POLICY_UNTIL);
    const mode = header(request, POLICY_MODE);
    if (until === undefined && mode === undefined) return {};
    const untilMs = until === undefined ? Number.NaN : Date.parse(until);
    if (Number.isNaN(untilMs) || (mode !== 'Locked' && mode !== 'Unlocked')) return 'invalid';
    return { untilMs, mode };
  }

  function withProtectionHeaders(answer: Answer, p: Protection | undefined): Answer {
    if (p === undefined) return answer;
    return {
      ...answer,
      headers: {
        ...answer.headers,
        ...(p.untilMs === undefined ? {} : { [POLICY_UNTIL]: new Date(p.untilMs).toUTCString() }),
        ...(p.mode === undefined ? {} : { [POLICY_MODE]: p.mode.toLowerCase() }),
        [LEGAL_HOLD]: String(p.legalHold),
      },
    };
  }

  async function handle(request: http.IncomingMessage, body: Buffer): Promise<Answer> {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const [account = '', container = '', ...rest] = url.pathname.slice(1).split('/');
    const blobPath =
      rest.length === 0 ? undefined : `${account}/${container}/${decodeURIComponent(rest.join('/'))}`;
    if (blobPath === undefined) return forward(request, body);
    const comp = url.searchParams.get('comp');
    const method = request.method ?? 'GET';
    const current = blobs.get(blobPath);
    const wormContainer = options.isWormContainer(`${account}/${container}`);

    if (comp === 'immutabilityPolicies' || comp === 'legalhold') {
      const answer = await forward(request, body);
      // Azurite authenticated it and does not implement it: the stand-in does.
      if (answer.status !== 501) return answer;
      if (!wormContainer) return notEnabled();
      if (current === undefined)
        return storageError(404, 'BlobNotFound', 'The specified blob does not exist.');
      if (comp === 'legalhold') {
        current.legalHold = header(request, LEGAL_HOLD) === 'true';
        return ok({ [LEGAL_HOLD]: String(current.legalHold) });
      }
      if (method === 'DELETE') {
        if (current.mode === 'Locked') return immutable();
        delete current.untilMs;
        delete current.mode;
        return ok({});
      }
      const policy = policyOf(request);
      if (policy === 'invalid' || policy.untilMs === undefined)
        return storageError(
          400,
          'InvalidHeaderValue',
          `The value for one of the HTTP headers (${POLICY_UNTIL}, ${POLICY_MODE}) is not in the correct format.`,
        );
      if (current.mode === 'Locked' && (policy.mode !== 'Locked' || policy.untilMs < (current.untilMs ?? 0)))
        return immutable();
      current.untilMs = policy.untilMs;
      current.mode = policy.mode;
      return ok({
        [POLICY_UNTIL]: new Date(policy.untilMs).toUTCString(),
        [POLICY_MODE]: policy.mode?.toLowerCase(),
      });
    }

    const writes =
      method === 'PUT' &&
      (comp === null || comp === 'blocklist' || comp === 'metadata' || comp === 'properties');
    if (method === 'DELETE' && comp === null && isProtected(current))
      return refuse(request, url, account, protectedBy(current));
    // `If-None-Match: *` on Put Blob is answered by Azurite (409 BlobAlreadyExists); on any other
    // write it exempts nothing.
    const createOnly = comp === null && header(request, 'if-none-match') === '*';
    if (writes && isProtected(current) && !createOnly)
      return refuse(request, url, account, protectedBy(current));

    if (method === 'PUT' && (comp === null || comp === 'blocklist')) {
      const policy = policyOf(request);
      const legalHold = header(request, LEGAL_HOLD) === 'true';
      if (policy === 'invalid')
        return storageError(
          400,
          'InvalidHeaderValue',
          `The value for one of the HTTP headers (${POLICY_UNTIL}, ${POLICY_MODE}) is not in the correct format.`,
        );
      if ((policy.untilMs !== undefined || legalHold) && !wormContainer) return notEnabled();
      const answer = await forward(request, body);
      if (answer.status === 201) blobs.set(blobPath, { ...policy, legalHold });
      return answer;
    }
    const answer = await forward(request, body);
    if (method === 'DELETE' && comp === null && answer.status === 202) blobs.delete(blobPath);
    if ((method === 'GET' || method === 'HEAD') && comp === null && answer.status < 300)
      return withProtectionHeaders(answer, current);
    return answer;
  }

  function ok(headers: http.OutgoingHttpHeaders): Answer {
    return {
      status: 200,
      headers: {
        ...headers,
        'x-ms-request-id': randomUUID(),
        'x-ms-version': '2026-04-06',
        'content-length': 0,
      },
      body: Buffer.alloc(0),
    };
  }

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      handle(request, Buffer.concat(chunks)).then(
        (answer) => {
          // Written before the answer: a blob the caller was told is protected stays protected after a restart.
          if (options.stateFile !== undefined && request.method !== 'GET' && request.method !== 'HEAD')
            saveProtections(options.stateFile, blobs);
          response.writeHead(answer.status, answer.headers);
          response.end(answer.body);
        },
        (error: unknown) => {
          const answer = storageError(
            502,
            'StandInUpstreamFailed',
            `Azurite was not reached: ${String(error)}`,
          );
          response.writeHead(answer.status, answer.headers);
          response.end(answer.body);
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

function loadProtections(file: string | undefined): [string, Protection][] {
  if (file === undefined || !existsSync(file)) return [];
  const saved = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  return Array.isArray(saved) ? (saved as [string, Protection][]) : [];
}

function saveProtections(file: string, blobs: ReadonlyMap<string, Protection>): void {
  writeFileSync(`${file}.tmp`, JSON.stringify([...blobs.entries()]));
  renameSync(`${file}.tmp`, file);
}

function header(request: http.IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

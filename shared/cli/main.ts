import { randomUUID } from 'node:crypto';

import { commandSpec, type OperatorCommand } from '../lifecycle/operatorCommands';
import { type Invocation, parseInvocation, USAGE, UsageError } from './args';
import { type ApiClient, apiClient, ProblemError, UnreachableError } from './client';
import { SignInError, tokenSource } from './signIn';

/** The role a 403 names as missing. */
function roleOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const role = (body as Record<string, unknown>)['role'];
  return typeof role === 'string' ? role : undefined;
}
import {
  archiveSummary,
  previewSummary,
  regionsTable,
  stampDetail,
  stampsTable,
  transitionLine,
} from './format';
import { toHistory, toRegions, toStamp, toStamps, UnexpectedAnswerError } from './views';
import { type Transition, TransitionTracker } from './watch';

/** Where the CLI writes, and how it waits and is stopped; tests and the bin pass their own. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT: `watch` returns 0 then. */
  readonly signal?: AbortSignal;
}

/** How many past transitions `watch` shows before the live ones. */
const WATCH_BACKLOG = 20;

const path = (id: string, action?: string): string =>
  `/api/stamps/${encodeURIComponent(id)}${action === undefined ? '' : `/${action}`}`;

function print(io: CliIo, inv: Invocation, value: unknown, human: () => string): void {
  io.out(inv.json ? JSON.stringify(value, null, 2) : human());
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

async function watch(api: ApiClient, inv: Invocation, io: CliIo): Promise<number> {
  const tracker = new TransitionTracker(api);
  const show = (transitions: readonly Transition[]): void => {
    for (const t of transitions) io.out(inv.json ? JSON.stringify(t) : transitionLine(t.stampId, t));
  };
  show((await tracker.poll()).slice(-WATCH_BACKLOG));
  if (inv.once) return 0;
  const stopAt = inv.timeoutMs === undefined ? Infinity : Date.now() + inv.timeoutMs;
  if (!inv.json) io.err(`watching ${api.url} every ${inv.intervalMs} ms (Ctrl-C stops)`);
  const stopped = (): boolean => io.signal?.aborted === true;
  for (;;) {
    const wait = Math.min(inv.intervalMs, stopAt - Date.now());
    if (wait <= 0 || stopped()) return 0;
    await sleep(wait, io.signal);
    if (stopped()) return 0;
    show(await tracker.poll());
  }
}

/** How many stamps each request of `ls --all` asks for, unless `--limit` says. */
const ALL_PAGE_SIZE = 200;

function continuationOf(body: unknown): string | undefined {
  const token =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['continuation'] : undefined;
  return typeof token === 'string' ? token : undefined;
}

/** `ls --all`: follows the continuation tokens to the last page and shows one table. */
async function listAll(api: ApiClient, inv: Invocation, io: CliIo, query: URLSearchParams): Promise<number> {
  const stamps: unknown[] = [];
  query.set('limit', String(inv.limit ?? ALL_PAGE_SIZE));
  for (let token: string | undefined; ;) {
    if (token === undefined) query.delete('continuation');
    else query.set('continuation', token);
    const body = await api.call('GET', `/api/stamps?${query.toString()}`);
    toStamps(body);
    stamps.push(...(body as { stamps: unknown[] }).stamps);
    token = continuationOf(body);
    if (token === undefined) break;
  }
  const all = { stamps };
  print(io, inv, all, () => stampsTable(toStamps(all)));
  return 0;
}

async function execute(api: ApiClient, inv: Invocation, io: CliIo): Promise<number> {
  switch (inv.command) {
    case 'help':
      io.out(USAGE);
      return 0;
    case 'ls': {
      const query = new URLSearchParams();
      if (inv.region !== undefined) query.set('region', inv.region);
      if (inv.phase !== undefined) query.set('phase', inv.phase);
      if (inv.all) return listAll(api, inv, io, query);
      if (inv.limit !== undefined) query.set('limit', String(inv.limit));
      if (inv.continuation !== undefined) query.set('continuation', inv.continuation);
      const qs = query.size > 0 ? `?${query.toString()}` : '';
      const body = await api.call('GET', `/api/stamps${qs}`);
      print(io, inv, body, () => stampsTable(toStamps(body)));
      const next = continuationOf(body);
      if (next !== undefined && !inv.json) io.err(`more stamps: run again with --continuation ${next}`);
      return 0;
    }
    case 'get': {
      const body = await api.call('GET', path(inv.id ?? ''));
      print(io, inv, body, () => stampDetail(toStamp(body), toHistory(body)));
      return 0;
    }
    case 'archive': {
      const body = await api.call('GET', path(inv.id ?? '', 'archive'));
      print(io, inv, body, () => archiveSummary(body));
      return (body as { verified?: unknown }).verified === true ? 0 : 1;
    }
    case 'regions': {
      const body = await api.call('GET', '/api/regions');
      print(io, inv, body, () => regionsTable(toRegions(body)));
      return 0;
    }
    case 'create': {
      const request = {
        ...(inv.region === undefined ? {} : { region: inv.region }),
        ...(inv.allowOtherRegions ? { allowOtherRegions: true } : {}),
        ...(inv.reason === undefined ? {} : { reason: inv.reason }),
      };
      if (inv.dryRun) return dryRun(api, inv, io, 'POST', '/api/stamps', request);
      const body = await api.call('POST', '/api/stamps', request);
      print(io, inv, body, () => {
        const s = toStamp(body);
        return `requested ${s.id} in ${s.region} (${s.phase}); follow it with: stampctl get ${s.id}`;
      });
      return 0;
    }
    case 'regions set': {
      const name = inv.id ?? '';
      const request = { desired: inv.desired, reason: inv.reason };
      if (inv.dryRun) return dryRun(api, inv, io, 'PUT', `/api/regions/${encodeURIComponent(name)}`, request);
      const body = await api.call('PUT', `/api/regions/${encodeURIComponent(name)}`, request);
      print(io, inv, body, () => {
        const region = toRegions({ regions: [body] })[0];
        return `${name}: desired ${region?.desired ?? inv.desired ?? '?'} (serving ${region?.serving ?? '?'}); the fleet reconciler converges to it; follow it with: stampctl regions`;
      });
      return 0;
    }
    case 'watch':
      return watch(api, inv, io);
    default:
      return operatorCommand(api, inv.command, inv, io);
  }
}

/** A change asked with `?dryRun=true`: its preview printed; a refusal is a 409 like the real call's. */
async function dryRun(
  api: ApiClient,
  inv: Invocation,
  io: CliIo,
  method: 'POST' | 'PUT',
  target: string,
  request: unknown,
): Promise<number> {
  const body = await api.call(method, `${target}?dryRun=true`, request);
  print(io, inv, body, () => previewSummary(body));
  return 0;
}

/** `POST /api/stamps/{id}/{command}` with the body its row of the command table describes. */
async function operatorCommand(
  api: ApiClient,
  command: OperatorCommand,
  inv: Invocation,
  io: CliIo,
): Promise<number> {
  const id = inv.id ?? '';
  const spec = commandSpec(command);
  const request = {
    ...(inv.reason === undefined ? {} : { reason: inv.reason }),
    ...(inv.override ? { override: true } : {}),
    ...(spec.drainMinutes && inv.minutes !== undefined ? { drainMinutes: inv.minutes } : {}),
  };
  if (inv.dryRun) return dryRun(api, inv, io, 'POST', path(id, command), request);
  const body = await api.call('POST', path(id, command), request);
  print(io, inv, body, () => {
    const s = toStamp(body);
    // The 202 carries the stamp as it was when accepted; its orchestration makes the transition.
    return `${command} accepted for ${s.id} (was ${s.phase}, ${s.traffic}); follow it with: stampctl get ${s.id}`;
  });
  return 0;
}

/**
 * Runs one command line and returns the exit code: 0 ok, 1 refused or failed (a problem answer,
 * an unreachable server), 2 usage. Never throws for those; anything else is a bug and propagates.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let inv: Invocation;
  try {
    inv = parseInvocation(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`stampctl: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await execute(
      apiClient(inv.url, tokenSource(inv), { idempotencyKey: inv.idempotencyKey ?? randomUUID() }),
      inv,
      io,
    );
  } catch (error) {
    if (error instanceof ProblemError) {
      if (inv.json) io.out(JSON.stringify(error.body, null, 2));
      io.err(`stampctl: refused: ${error.status} ${error.title}`);
      io.err(`  detail: ${error.detail}`);
      if (error.guard !== undefined) io.err(`  guard:  ${error.guard}`);
      const role = roleOf(error.body);
      if (role !== undefined) io.err(`  role:   ${role}`);
      if (inv.dryRun) io.err('  (a dry run: nothing was changed)');
      return 1;
    }
    if (
      error instanceof UnreachableError ||
      error instanceof UnexpectedAnswerError ||
      error instanceof SignInError
    ) {
      io.err(`stampctl: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

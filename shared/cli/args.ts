import { parseArgs } from 'node:util';

import {
  commandSpec,
  isOperatorCommand,
  OPERATOR_COMMAND_NAMES,
  type OperatorCommand,
} from '../lifecycle/operatorCommands';
import { STAMP_ID_EXAMPLE } from '../lifecycle/stampNames';
import { DEFAULT_URL } from './client';

/** A command line that cannot be run as written; exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An operator command's line of help, from its row of the command table. */
function operatorUsage(command: OperatorCommand): string {
  const spec = commandSpec(command);
  const line = [
    `${command} <id>`,
    spec.reason === 'required' ? '--reason T' : '[--reason T]',
    ...(spec.drainMinutes ? ['[--minutes N]'] : []),
    ...(spec.override ? ['[--override]'] : []),
  ].join(' ');
  return line.length < 41
    ? `  ${line.padEnd(41)}${spec.summary}`
    : `  ${line}\n${' '.repeat(43)}${spec.summary}`;
}

export const USAGE = `usage: stampctl <command> [options]

commands:
  ls [--region R] [--phase P] [--limit N [--continuation T] | --all]
                                           the fleet, filtered; --limit shows one page (and the
                                           token of the next), --all follows every page
  get <id>                                 one stamp with its deadlines and audit history
  archive <id>                             a retired stamp's archive, read back and verified
  create [--region R] [--allow-other-regions] [--reason T]
                                           request a stamp
${OPERATOR_COMMAND_NAMES.map(operatorUsage).join('\n')}
  regions                                  desired and actual stamps per region, and what holds them
  regions set <name> <desired> --reason T  the stamp count the fleet reconciler keeps in a region
  watch [--interval MS] [--timeout S] [--once]
                                           print transitions as they happen (Ctrl-C stops)

options for every command:
  --url URL     the function app (env STAMPCTL_URL, default ${DEFAULT_URL})
  --audience A  on Azure: the app's Entra ID audience (api://<client-id>; env STAMPCTL_AUDIENCE);
                stampctl signs in with DefaultAzureCredential (az login, managed identity...)
  --token T     a bearer token to send as is (env STAMPCTL_TOKEN; the local host prints its
                users' tokens); without either, the local host's default user asks
  --json        machine-readable output
  --dry-run     with a change (create, a command, regions set): what it would do, the guard that
                would refuse it and the capacity afterwards; nothing is changed
  --idempotency-key K
                sent with a change (create, a command, regions set) as Idempotency-Key; the
                same key again within 24 h gets the first answer instead of a second change
                (default: a new key for each run, reused by stampctl's own retries)
  -h, --help    this text

exit codes: 0 ok, 1 refused or failed, 2 usage`;

const OPTIONS = {
  url: { type: 'string' },
  json: { type: 'boolean' },
  // Signing in: an Entra ID audience for DefaultAzureCredential, or a token as is.
  audience: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  region: { type: 'string' },
  phase: { type: 'string' },
  'allow-other-regions': { type: 'boolean' },
  // What a change asks, and whether only to ask what it would do.
  reason: { type: 'string' },
  minutes: { type: 'string' },
  override: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  // watch and ls.
  interval: { type: 'string' },
  timeout: { type: 'string' },
  once: { type: 'boolean' },
  'idempotency-key': { type: 'string' },
  limit: { type: 'string' },
  continuation: { type: 'string' },
  all: { type: 'boolean' },
} as const;

type OptionName = keyof typeof OPTIONS;
const GLOBAL: readonly OptionName[] = ['url', 'audience', 'token', 'json', 'help', 'idempotency-key'];

/** Options that once existed, with what replaced them. */
const GONE: Readonly<Record<string, string>> = {
  '--approved-by':
    '--approved-by is gone: the approver is who you are signed in as (--audience on Azure, --token locally)',
  '--key':
    '--key is gone: sign in instead (--audience on Azure, --token locally); the API takes no function key',
};

interface CommandSpec {
  /** How many positionals: a stamp id, none, or a region and a count. */
  readonly ids: number;
  readonly options: readonly OptionName[];
}

/** The commands that are not operator commands on a stamp: which options and positionals each takes. */
const READ_AND_FLEET_COMMANDS = {
  ls: { ids: 0, options: ['region', 'phase', 'limit', 'continuation', 'all'] },
  get: { ids: 1, options: [] },
  archive: { ids: 1, options: [] },
  create: { ids: 0, options: ['region', 'allow-other-regions', 'reason', 'dry-run'] },
  regions: { ids: 0, options: [] },
  'regions set': { ids: 2, options: ['reason', 'dry-run'] },
  watch: { ids: 0, options: ['interval', 'timeout', 'once'] },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof READ_AND_FLEET_COMMANDS | OperatorCommand;

function specOf(name: CommandName): CommandSpec {
  if (!isOperatorCommand(name)) return READ_AND_FLEET_COMMANDS[name];
  const spec = commandSpec(name);
  return {
    ids: 1,
    options: [
      'reason',
      'dry-run',
      ...(spec.drainMinutes ? (['minutes'] as const) : []),
      ...(spec.override ? (['override'] as const) : []),
    ],
  };
}

export interface Invocation {
  readonly command: CommandName | 'help';
  /** The stamp id, or the region name of `regions set`. */
  readonly id: string | undefined;
  /** `regions set`: the desired count. */
  readonly desired: number | undefined;
  readonly url: string;
  readonly audience: string | undefined;
  readonly token: string | undefined;
  /** The Idempotency-Key of this run's change, if the caller chose one. */
  readonly idempotencyKey: string | undefined;
  readonly json: boolean;
  readonly region: string | undefined;
  readonly phase: string | undefined;
  readonly allowOtherRegions: boolean;
  readonly reason: string | undefined;
  readonly minutes: number | undefined;
  readonly override: boolean;
  /** Ask what the change would do (`?dryRun=true`): nothing is written or started. */
  readonly dryRun: boolean;
  readonly intervalMs: number;
  readonly timeoutMs: number | undefined;
  readonly once: boolean;
  /** `ls`: one page of this many stamps; with `all`, the page size followed. */
  readonly limit: number | undefined;
  readonly continuation: string | undefined;
  readonly all: boolean;
}

/** The local host: it signs a request without a token in as its default user. */
function isLoopback(url: string): boolean {
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  } catch {
    throw new UsageError(`--url must be a URL, got '${url}'`);
  }
}

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(READ_AND_FLEET_COMMANDS, name) || isOperatorCommand(name);
}

function whole(value: string | undefined, option: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const what = option === 'desired' ? 'the desired count' : `--${option}`;
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`${what} must be a whole number from ${min} to ${max} (got '${value}')`);
  return n;
}

/**
 * Parses a command line (without `node` and the script). Every option is checked against the
 * command it was given to, so `ls --minutes 5` is a usage error rather than silently ignored.
 */
export function parseInvocation(argv: readonly string[], env: NodeJS.ProcessEnv): Invocation {
  const gone = argv.map((arg) => GONE[arg.split('=')[0] ?? '']).find((why) => why !== undefined);
  if (gone !== undefined) throw new UsageError(gone);
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [first, ...afterFirst] = positionals;
  // `regions set <name> <n>` is a sub-command of `regions`.
  const sub = first === 'regions' && afterFirst[0] === 'set';
  const name = sub ? 'regions set' : first;
  const rest = sub ? afterFirst.slice(1) : afterFirst;
  if (values.help === true || name === 'help') return invocation('help', undefined, values, env);
  if (name === undefined) throw new UsageError('no command given');
  if (!isCommand(name)) throw new UsageError(`unknown command '${name}'`);
  const spec = specOf(name);
  const allowed: readonly OptionName[] = [...GLOBAL, ...spec.options];
  const misplaced = (Object.keys(values) as OptionName[]).filter((o) => !allowed.includes(o));
  if (misplaced.length > 0) throw new UsageError(`${name} does not take --${misplaced.join(', --')}`);
  if (rest.length !== spec.ids) {
    throw new UsageError(
      spec.ids === 2
        ? 'regions set takes a region name and a desired count (e.g. regions set westeurope 3 --reason T)'
        : spec.ids === 1
          ? `${name} takes one stamp id (e.g. ${STAMP_ID_EXAMPLE})`
          : `${name} takes no arguments`,
    );
  }
  const result = invocation(name, rest[0], values, env, sub ? whole(rest[1], 'desired', 0, 1000) : undefined);
  const needsReason = isOperatorCommand(name)
    ? commandSpec(name).reason === 'required'
    : name === 'regions set';
  if (needsReason && (result.reason ?? '').trim() === '')
    throw new UsageError(`${name} needs --reason: it goes into the audit record`);
  if (result.all && result.continuation !== undefined)
    throw new UsageError('--all starts at the first page; it does not take --continuation');
  if (result.audience === undefined && result.token === undefined && !isLoopback(result.url))
    throw new UsageError(
      `${result.url} is not this machine: sign in with --audience api://<client id> (or STAMPCTL_AUDIENCE), as infra/README.md describes`,
    );
  if (result.override && (result.reason ?? '').trim() === '')
    throw new UsageError('--override needs --reason: say why the guard may be overridden');
  return result;
}

type Values = Partial<Record<OptionName, string | boolean>>;

function invocation(
  command: CommandName | 'help',
  id: string | undefined,
  values: Values,
  env: NodeJS.ProcessEnv,
  desired?: number,
): Invocation {
  const s = (o: OptionName): string | undefined => {
    const v = values[o];
    return typeof v === 'string' ? v : undefined;
  };
  const timeout = whole(s('timeout'), 'timeout', 1, 86_400);
  return {
    command,
    id,
    desired,
    url: s('url') ?? (env['STAMPCTL_URL'] || DEFAULT_URL),
    audience: s('audience') ?? (env['STAMPCTL_AUDIENCE'] || undefined),
    token: s('token') ?? (env['STAMPCTL_TOKEN'] || undefined),
    idempotencyKey: s('idempotency-key'),
    json: values.json === true,
    region: s('region'),
    phase: s('phase'),
    allowOtherRegions: values['allow-other-regions'] === true,
    reason: s('reason'),
    minutes: whole(s('minutes'), 'minutes', 1, 1440),
    override: values.override === true,
    dryRun: values['dry-run'] === true,
    intervalMs: whole(s('interval'), 'interval', 100, 60_000) ?? 2000,
    timeoutMs: timeout === undefined ? undefined : timeout * 1000,
    once: values.once === true,
    limit: whole(s('limit'), 'limit', 1, 1000),
    continuation: s('continuation'),
    all: values.all === true,
  };
}

/**
 * The API's answers as the CLI reads them. They arrive as `unknown` and are narrowed here, in one
 * place; a field the CLI does not show is left unread.
 */
export interface CauseView {
  readonly kind: string;
  readonly reason: string;
  readonly actor?: string;
  readonly overriddenGuard?: string;
}

export interface StampSummary {
  readonly id: string;
  readonly region: string;
  readonly phase: string;
  readonly traffic: string;
  readonly phaseSince: string;
  readonly cause: CauseView;
  readonly deadlines: Readonly<Record<string, string>>;
  readonly replacementFor: string | null;
  readonly replacedBy: string | null;
  readonly waitingFor: string | null;
  /** Set while the stamp ramps up (a sub-state of active). */
  readonly ramp?: RampSummary;
}

export interface RampSummary {
  /** 1-based, of `steps`. */
  readonly step: number;
  readonly steps: number;
  readonly percent: number;
  readonly weight: number;
  readonly checkDueAt: string | null;
  readonly paused: { readonly actor: string; readonly reason: string } | null;
  readonly lastCanary: { readonly verdict: string; readonly reason: string } | null;
}

export interface TransitionView {
  readonly at: string;
  readonly from: string | null;
  readonly to: string;
  readonly traffic?: { readonly from: string; readonly to: string };
  readonly cause: CauseView;
  /** Set on a request that a guard refused after it was accepted. */
  readonly refused?: { readonly guard: string; readonly reason: string };
  /** Set on a ramp's records: the share of a full weight before (null: entering rotation) and after. */
  readonly ramp?: { readonly from: number | null; readonly to: number; readonly paused?: boolean };
  readonly canary?: { readonly verdict: string; readonly reason: string };
}

export interface RegionView {
  readonly name: string;
  readonly code: string;
  readonly max: number;
  readonly desired: number;
  readonly serving: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly inRotation: number;
  /** The stamps holding a place against `max`, as the control plane counts them. */
  readonly holding: number;
  /** What holds the region back from its desired count (the fleet reconciler's words). */
  readonly heldBy: readonly string[];
  readonly spares: { readonly target: number; readonly ready: number; readonly building: number };
}

/** Thrown when an answer does not have the shape the CLI expects (a different server?). */
export class UnexpectedAnswerError extends Error {
  override readonly name = 'UnexpectedAnswerError';
}

type Obj = Record<string, unknown>;

function obj(value: unknown, what: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UnexpectedAnswerError(`${what} is not an object`);
  return value as Obj;
}

/** The members of an object whose values `pick` accepts; others are left out. */
function recordOf<T>(value: unknown, what: string, pick: (v: unknown) => T | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(obj(value, what))) {
    const picked = pick(v);
    if (picked !== undefined) out[k] = picked;
  }
  return out;
}

function str(o: Obj, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new UnexpectedAnswerError(`${what}.${key} is not a string`);
  return v;
}

function optStr(o: Obj, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

function num(o: Obj, key: string, what: string): number {
  const v = o[key];
  if (typeof v !== 'number') throw new UnexpectedAnswerError(`${what}.${key} is not a number`);
  return v;
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new UnexpectedAnswerError(`${what} is not a list`);
  return value as unknown[];
}

function cause(value: unknown): CauseView {
  const o = obj(value, 'cause');
  const actor = optStr(o, 'actor');
  const overriddenGuard = optStr(o, 'overriddenGuard');
  return {
    kind: str(o, 'kind', 'cause'),
    reason: str(o, 'reason', 'cause'),
    ...(actor === undefined ? {} : { actor }),
    ...(overriddenGuard === undefined ? {} : { overriddenGuard }),
  };
}

export function toStamp(value: unknown): StampSummary {
  const o = obj(value, 'stamp');
  const deadlines = recordOf(o['deadlines'] ?? {}, 'stamp.deadlines', (v) =>
    typeof v === 'string' ? v : undefined,
  );
  return {
    id: str(o, 'id', 'stamp'),
    region: str(o, 'region', 'stamp'),
    phase: str(o, 'phase', 'stamp'),
    traffic: str(o, 'traffic', 'stamp'),
    phaseSince: str(o, 'phaseSince', 'stamp'),
    cause: cause(o['cause']),
    deadlines,
    replacementFor: optStr(o, 'replacementFor') ?? null,
    replacedBy: optStr(o, 'replacedBy') ?? null,
    waitingFor: optStr(o, 'waitingFor') ?? null,
    ...(o['ramp'] === undefined || o['ramp'] === null ? {} : { ramp: toRamp(o['ramp']) }),
  };
}

function verdictOf(value: unknown, what: string): { verdict: string; reason: string } | null {
  if (value === undefined || value === null) return null;
  const o = obj(value, what);
  return { verdict: str(o, 'verdict', what), reason: str(o, 'reason', what) };
}

function toRamp(value: unknown): RampSummary {
  const o = obj(value, 'stamp.ramp');
  const paused = o['paused'] === null || o['paused'] === undefined ? null : obj(o['paused'], 'ramp.paused');
  return {
    step: num(o, 'step', 'ramp'),
    steps: num(o, 'steps', 'ramp'),
    percent: num(o, 'percent', 'ramp'),
    weight: num(o, 'weight', 'ramp'),
    checkDueAt: optStr(o, 'checkDueAt') ?? null,
    paused:
      paused === null
        ? null
        : { actor: str(paused, 'actor', 'paused'), reason: str(paused, 'reason', 'paused') },
    lastCanary: verdictOf(o['lastCanary'], 'ramp.lastCanary'),
  };
}

export function toStamps(body: unknown): StampSummary[] {
  return list(obj(body, 'answer')['stamps'], 'stamps').map(toStamp);
}

function toTransition(value: unknown): TransitionView {
  const o = obj(value, 'history record');
  const traffic = o['traffic'];
  const t = traffic === undefined ? undefined : obj(traffic, 'history record.traffic');
  const refused = o['refused'] === undefined ? undefined : obj(o['refused'], 'history record.refused');
  const ramp = o['ramp'] === undefined ? undefined : obj(o['ramp'], 'history record.ramp');
  const canary = verdictOf(o['canary'], 'history record.canary');
  return {
    at: str(o, 'at', 'history record'),
    from: optStr(o, 'from') ?? null,
    to: str(o, 'to', 'history record'),
    ...(t === undefined ? {} : { traffic: { from: str(t, 'from', 'traffic'), to: str(t, 'to', 'traffic') } }),
    cause: cause(o['cause']),
    ...(refused === undefined
      ? {}
      : { refused: { guard: str(refused, 'guard', 'refused'), reason: str(refused, 'reason', 'refused') } }),
    ...(ramp === undefined
      ? {}
      : {
          ramp: {
            from: typeof ramp['from'] === 'number' ? ramp['from'] : null,
            to: num(ramp, 'to', 'ramp'),
            ...(typeof ramp['paused'] === 'boolean' ? { paused: ramp['paused'] } : {}),
          },
        }),
    ...(canary === null ? {} : { canary }),
  };
}

export function toHistory(body: unknown): TransitionView[] {
  return list(obj(body, 'stamp')['history'], 'history').map(toTransition);
}

/** The reconciler's holds of a region, plus its block when deployments there are refused. */
function heldByOf(o: Obj): string[] {
  const held: string[] = [];
  const blocked = o['blocked'];
  if (
    typeof blocked === 'object' &&
    blocked !== null &&
    'reason' in blocked &&
    typeof blocked.reason === 'string'
  )
    held.push(`blocked: ${blocked.reason}`);
  const reconciler = o['reconciler'];
  if (
    typeof reconciler === 'object' &&
    reconciler !== null &&
    'heldBy' in reconciler &&
    Array.isArray(reconciler.heldBy)
  )
    for (const line of reconciler.heldBy) if (typeof line === 'string') held.push(line);
  const capacity = o['capacitySignal'];
  if (
    typeof capacity === 'object' &&
    capacity !== null &&
    'outcome' in capacity &&
    capacity.outcome === 'held' &&
    !('resolvedAt' in capacity) &&
    'detail' in capacity &&
    typeof capacity.detail === 'string'
  )
    held.push(`capacity alert held: ${capacity.detail}`);
  return held;
}

/** A region's spare pool; an answer from before spares existed has none. */
function sparesOf(value: unknown): RegionView['spares'] {
  if (value === undefined || value === null) return { target: 0, ready: 0, building: 0 };
  const o = obj(value, 'region.spares');
  return {
    target: num(o, 'target', 'spares'),
    ready: num(o, 'ready', 'spares'),
    building: num(o, 'building', 'spares'),
  };
}

export function toRegions(body: unknown): RegionView[] {
  return list(obj(body, 'answer')['regions'], 'regions').map((value) => {
    const o = obj(value, 'region');
    const counts = recordOf(o['counts'], 'region.counts', (v) => (typeof v === 'number' ? v : undefined));
    return {
      name: str(o, 'name', 'region'),
      code: str(o, 'code', 'region'),
      max: num(o, 'max', 'region'),
      desired: num(o, 'desired', 'region'),
      serving: num(o, 'serving', 'region'),
      counts,
      inRotation: num(o, 'inRotation', 'region'),
      holding: num(o, 'holding', 'region'),
      heldBy: heldByOf(o),
      spares: sparesOf(o['spares']),
    };
  });
}

import { z } from 'zod';

import { commandSpec, type OperatorCommand } from '../lifecycle/operatorCommands';
import { PHASES } from '../lifecycle/phase';

/**
 * The bodies and queries of the HTTP API, parsed from `unknown` in one place.
 * Unknown members are refused, so a typo (`allowOtherRegion`) is an error, not a silent default.
 */
const reason = z.string().max(500);

export const createStampBody = z.strictObject({
  region: z.string().trim().min(1).max(64).optional(),
  allowOtherRegions: z.boolean().optional(),
  reason: reason.optional(),
});

/** An override of a guard is only ever taken with a reason, which the audit record keeps. */
function overrideNeedsReason(
  body: { override?: boolean | undefined; reason?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (body.override === true && (body.reason ?? '').trim() === '') {
    ctx.addIssue({
      code: 'custom',
      path: ['reason'],
      message:
        'an override needs a reason: say why the guard may be overridden (it goes into the audit record)',
    });
  }
}

const requiredReason = z
  .string({ error: 'a reason is required; it goes into the audit record' })
  .trim()
  .min(1, 'a reason is required; it goes into the audit record')
  .max(500);

/** Members that once named who asked; the signed-in principal is who asks now. */
const IDENTITY_MEMBERS = ['actor', 'approvedBy'] as const;

/**
 * A body that names who asks is refused, not ignored: whoever sent it believes the name is
 * recorded, and it never is (the audit records the signed-in principal).
 */
export function identityInBody(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const named = IDENTITY_MEMBERS.find((member) => Object.hasOwn(body, member));
  if (named === undefined) return undefined;
  return `'${named}' is not taken: who asks is the signed-in principal, recorded in the audit by object id and name; remove '${named}' from the body`;
}

/**
 * The body of `POST /api/stamps/{id}/{command}`, built from the command's row of the table: a
 * reason (required where the table says so), an override where a guard can refuse, and the
 * drain's minutes for a drain.
 */
export interface OperatorCommandBody {
  readonly reason?: string | undefined;
  readonly override?: boolean | undefined;
  readonly drainMinutes?: number | undefined;
}

interface CommandBodyShape {
  reason: z.ZodType<string | undefined>;
  override?: z.ZodType<boolean | undefined>;
  drainMinutes?: z.ZodType<number | undefined>;
}

function commandBodySchema(command: OperatorCommand): z.ZodType<OperatorCommandBody> {
  const spec = commandSpec(command);
  // Members a command does not take are left out, so the strict object names them as unknown.
  const shape: CommandBodyShape = { reason: spec.reason === 'required' ? requiredReason : reason.optional() };
  if (spec.override) shape.override = z.boolean().optional();
  if (spec.drainMinutes) shape.drainMinutes = z.number().int().min(1).max(1440).optional();
  // The shape's members are optional in its type, which zod infers as unknown: the type it checks is this.
  const checked = z.strictObject(shape) as z.ZodType<OperatorCommandBody>;
  return checked.superRefine(overrideNeedsReason);
}

const commandBodies = new Map<OperatorCommand, z.ZodType<OperatorCommandBody>>();

/** The body schema of `POST /api/stamps/{id}/{command}`, built on first use. */
export function operatorCommandBody(command: OperatorCommand): z.ZodType<OperatorCommandBody> {
  let schema = commandBodies.get(command);
  if (schema === undefined) {
    schema = commandBodySchema(command);
    commandBodies.set(command, schema);
  }
  return schema;
}

/** `PUT /api/regions/{name}`: the desired stamp count and why. */
export const desiredBody = z.strictObject({
  desired: z.number().int('desired must be a whole number'),
  reason: requiredReason,
});

/** How far back a listing reaches, in whole minutes (a query parameter, so coerced). */
function minutesBack(max: number, fallback: number, min = 1) {
  return z.coerce.number().int().min(min).max(max).default(fallback);
}

/**
 * `GET /api/signals`: how far back (minutes, at most a week: the signal log's retention) and which
 * outcome. Not strict: the function key may travel as `?code=`.
 */
export const signalsQuery = z.object({
  minutes: minutesBack(7 * 24 * 60, 60),
  outcome: z.enum(['accepted', 'unmatched', 'rejected']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The most items one page holds; without `limit` a listing answers everything at once. */
export const MAX_PAGE_LIMIT = 1000;
/** The page size when only `continuation` is given. */
export const DEFAULT_PAGE_LIMIT = 100;

/** `limit` and `continuation` of a paged listing (`GET /api/stamps`, a stamp's history). */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).optional(),
  continuation: z.string().min(1).max(8192).optional(),
});

export const listQuery = pageQuery.extend({
  phase: z.enum(PHASES).optional(),
  region: z.string().trim().min(1).max(64).optional(),
});

export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly detail: string };

/** Parses `input` with `schema`; the error names the field and says what is expected. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): Parsed<z.infer<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? `'${issue.path.map(String).join('.')}'` : 'the body';
  const message =
    issue?.code === 'unrecognized_keys'
      ? `unknown member(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}`
      : `${field}: ${issue?.message ?? 'invalid'}`;
  return { ok: false, detail: `invalid ${what}: ${message}` };
}

export { isStampId } from '../lifecycle/stampNames';

/** `GET /api/incidents`: how far back (at most the incident log's 30 days) and how many. */
export const incidentsQuery = z.object({
  minutes: minutesBack(30 * 24 * 60, 24 * 60),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * `GET /api/metrics`: the window (15 minutes to the six hours the dashboard plots) and, if given,
 * one region.
 */
export const metricsQuery = z.object({
  minutes: minutesBack(6 * 60, 60, 15),
  region: z.string().trim().min(1).max(64).optional(),
});

/**
 * `GET /api/events`: how long to hold the request while nothing changes (seconds), and the last
 * event seen when the client cannot send `Last-Event-ID`.
 */
export const eventsQuery = z.object({
  wait: z.coerce.number().int().min(0).max(25).default(15),
  lastEventId: z.string().max(64).optional(),
});

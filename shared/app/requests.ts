import { z } from 'zod';

import { PHASES } from '../lifecycle/phase';

/**
 * The bodies and queries of the HTTP API, parsed from `unknown` in one place (STYLE practice 2).
 * Unknown members are refused, so a typo (`allowOtherRegion`) is an error, not a silent default.
 */
const reason = z.string().max(500);
const actor = z.string().trim().min(1).max(200);

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
  .string()
  .trim()
  .min(1, 'a reason is required; it goes into the audit record')
  .max(500);

export const drainBody = z
  .strictObject({
    reason: reason.optional(),
    drainMinutes: z.number().int().min(1).max(1440).optional(),
    override: z.boolean().optional(),
    actor: actor.optional(),
  })
  .superRefine(overrideNeedsReason);

export const isolateBody = z
  .strictObject({
    reason: requiredReason,
    override: z.boolean().optional(),
    actor: actor.optional(),
  })
  .superRefine(overrideNeedsReason);

/** `rejoin`, `cancel-drain` and `cleanup`: a reason always, an override only where a guard can refuse. */
export const returnBody = z
  .strictObject({
    reason: requiredReason,
    override: z.boolean().optional(),
    actor: actor.optional(),
  })
  .superRefine(overrideNeedsReason);

export const cleanupBody = z.strictObject({ reason: requiredReason, actor: actor.optional() });

/** `PUT /api/regions/{name}`: the desired stamp count and why. */
export const desiredBody = z.strictObject({
  desired: z.number().int('desired must be a whole number'),
  reason: requiredReason,
  actor: actor.optional(),
});

export const verifyBody = z
  .strictObject({
    approvedBy: actor,
    reason: reason.optional(),
    override: z.boolean().optional(),
  })
  .superRefine(overrideNeedsReason);

/**
 * `GET /api/signals`: how far back (minutes, at most a week: the signal log's retention) and which
 * outcome. Not strict: the function key may travel as `?code=`.
 */
export const signalsQuery = z.object({
  minutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  outcome: z.enum(['accepted', 'unmatched', 'rejected']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const listQuery = z.object({
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

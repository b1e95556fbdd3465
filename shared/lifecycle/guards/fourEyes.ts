import type { Requester, Stamp } from '../stamp';
import { fail, type GuardResult, PASS } from './guardResult';

/**
 * Two principals are the same when their object ids match; a requester recorded without one
 * (before sign-in existed, or a queue message that names only a person) is matched by name.
 */
function samePrincipal(a: Requester, b: Requester): boolean {
  if (a.actorId !== undefined && b.actorId !== undefined) return a.actorId === b.actorId;
  return a.actor.trim().toLowerCase() === b.actor.trim().toLowerCase();
}

/** Who took the stamp out: the operator who started its drain or isolated it, if a person did. */
export function retirementRequesters(stamp: Stamp): Requester[] {
  return [stamp.drain?.requestedBy, stamp.isolation?.requestedBy].filter(
    (r): r is Requester => r !== undefined,
  );
}

/**
 * Four eyes: a quarantined stamp's verification is approved by someone other than the person
 * who drained or isolated it. Not overridable: an override is one person's decision, and this
 * guard exists so that one person's decision is not enough (turn it off in the policy instead).
 */
export function checkFourEyes(stamp: Stamp, approver: Requester, enabled: boolean): GuardResult {
  if (!enabled) return PASS;
  const same = retirementRequesters(stamp).find((requester) => samePrincipal(requester, approver));
  if (same === undefined) return PASS;
  return fail(
    'four-eyes',
    `${approver.actor} started the retirement of ${stamp.id} and cannot also approve its verification (four eyes); another principal with the Stamps.Approver role must verify`,
  );
}

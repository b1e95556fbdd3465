import type { Decision } from '../../../../shared/lifecycle';
import { expectRefusal } from './fixtures';

/** A refusal by the blast-radius guard: an incident raised, and a re-check armed. */
export function assertHeldByBlastRadius(decision: Decision): Extract<Decision, { outcome: 'refused' }> {
  const refused = expectRefusal(decision);
  if (refused.guard !== 'blast-radius') throw new Error(`expected blast-radius, got ${refused.guard}`);
  const kinds = refused.effects.map((e) => e.kind).join(',');
  if (kinds !== 'raise-incident,start-timer')
    throw new Error(`expected an incident and a re-check, got ${kinds}`);
  return refused;
}

import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a presented secret (a key, a token segment) is the expected one, in time that does
 * not depend on how much of it matched: both are hashed to equal lengths first.
 */
export function sameSecret(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

import type { GuardName } from '../decision';

export type GuardResult =
  { readonly ok: true } | { readonly ok: false; readonly guard: GuardName; readonly reason: string };

export const PASS: GuardResult = { ok: true };

export function fail(guard: GuardName, reason: string): GuardResult {
  return { ok: false, guard, reason };
}

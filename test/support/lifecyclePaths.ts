import type { Phase } from '../../shared/lifecycle';

/** A stamp's transitions from its request to archived, as `[from, to]` (its first seven audit records). */
export const REQUEST_TO_ARCHIVED: readonly (readonly [Phase | null, Phase])[] = [
  [null, 'provisioning'],
  ['provisioning', 'registering'],
  ['registering', 'active'],
  ['active', 'draining'],
  ['draining', 'quarantined'],
  ['quarantined', 'decommissioning'],
  ['decommissioning', 'archived'],
];

/**
 * The history (`phase/traffic` where traffic changed) of an active stamp whose probe failed: isolated,
 * drained, retired, and its records archived (the second `archived`, the archive's own record).
 */
export const ISOLATED_AND_RETIRED: readonly string[] = [
  'active/in-rotation',
  'active/isolated',
  'draining/none',
  'quarantined',
  'decommissioning',
  'archived',
  'archived',
];

import type { z } from 'zod';

import type { effectSchema, INCIDENT_KINDS } from './effectSchema';

export type { LifecycleTimer } from './timers';

/** A side effect a decision asks for; defined once, by `effectSchema`. */
export type Effect = Readonly<z.infer<typeof effectSchema>>;

export type EffectKind = Effect['kind'];

export type EffectOf<K extends EffectKind> = Extract<Effect, { kind: K }>;

export type IncidentKind = (typeof INCIDENT_KINDS)[number];

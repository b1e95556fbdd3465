import type { z } from 'zod';

import type { stampEventSchema } from './eventSchema';

/** Everything that can happen to one stamp; defined once, by `stampEventSchema`. */
export type StampEvent = Readonly<z.infer<typeof stampEventSchema>>;

export type StampEventType = StampEvent['type'];

export type EventOf<T extends StampEventType> = Extract<StampEvent, { type: T }>;

/** The events that carry nothing but their type and id (timers firing, completions). */
export type BareEventType = {
  [T in StampEventType]: Exclude<keyof EventOf<T>, 'type' | 'id'> extends never ? T : never;
}[StampEventType];

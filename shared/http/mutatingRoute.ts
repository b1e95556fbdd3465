import type { HttpHandler } from '@azure/functions';

import { services } from '../app/services';
import { answerErrors } from './answerErrors';
import { idempotent } from './idempotent';

/**
 * The wrapping of every route that changes something: transient failures answer 503 (and release
 * an Idempotency-Key), and a retry with the same Idempotency-Key replays the first answer.
 */
export function mutatingRoute(handler: HttpHandler): HttpHandler {
  return answerErrors(
    idempotent(handler, async () => {
      const svc = await services();
      return { store: svc.idempotency, clock: svc.clock };
    }),
  );
}

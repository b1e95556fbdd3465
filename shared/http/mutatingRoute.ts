import type { HttpHandler } from '@azure/functions';

import { services } from '../app/services';
import type { StampRole } from '../auth/roles';
import { alertSender } from './alertSender';
import { answerErrors } from './answerErrors';
import { idempotent } from './idempotent';
import { sameOriginOnly } from './sameOrigin';
import { signedIn, type SignedInHandler } from './signedIn';

async function idempotencyDeps() {
  const svc = await services();
  return { store: svc.idempotency, clock: svc.clock };
}

/**
 * The wrapping of every route that changes something: a browser's cross-site request is refused,
 * the caller must hold `role` (401/403 first, before anything is remembered), transient failures
 * answer 503 (and release an Idempotency-Key), and a retry with the same Idempotency-Key replays
 * the first answer. A dry run (`?dryRun=`) is checked the same way and remembers nothing.
 */
export function mutatingRoute(role: StampRole, handler: SignedInHandler): HttpHandler {
  return answerErrors(
    sameOriginOnly(
      signedIn(role, (request, context, principal) =>
        // A dry run writes nothing, its Idempotency-Key included (the real call may use it next).
        request.query.has('dryRun')
          ? handler(request, context, principal)
          : idempotent(
              (r, c) => handler(r, c, principal),
              idempotencyDeps,
              `principal:${principal.id}`,
            )(request, context),
      ),
    ),
  );
}

/** A route that only reads: the caller must hold `role`; transient failures answer 503. */
export function readRoute(role: StampRole, handler: SignedInHandler): HttpHandler {
  return answerErrors(signedIn(role, handler));
}

/** The alert receiver: the action group's token or the receiver's key, then as a mutating route. */
export function alertRoute(handler: HttpHandler): HttpHandler {
  return answerErrors(
    sameOriginOnly(
      alertSender((request, context, caller) =>
        // A dry run records nothing, its Idempotency-Key included.
        request.query.has('dryRun')
          ? handler(request, context)
          : idempotent(handler, idempotencyDeps, caller)(request, context),
      ),
    ),
  );
}

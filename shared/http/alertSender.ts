import { createHash } from 'node:crypto';

import type { HttpHandler, HttpRequest, InvocationContext } from '@azure/functions';

import { services } from '../app/services';
import { ALERT_SENDER_ROLE } from '../auth/roles';
import { sameSecret } from '../text/sameSecret';
import { callerIdentity, type RouteResult, unauthorized } from './signedIn';

/** The header that carries the alert receiver's own key. */
export const ALERT_KEY_HEADER = 'x-stamps-alert-key';

/** The receiver's handler, told who sent the alert (`principal:<oid>` or `alert-key:<hash>`). */
export type AlertHandler = (request: HttpRequest, context: InvocationContext, caller: string) => RouteResult;

/**
 * The alert receiver's door: the action group's secure webhook (an Entra token whose principal
 * holds the Stamps.AlertSender app role) or the receiver's own key (`STAMPS_ALERT_KEY`, in the
 * `x-stamps-alert-key` header), nothing else. Refusals are 401: Azure Monitor does not retry
 * them, and a misconfigured sender is not fixed by retrying.
 */
export function alertSender(handler: AlertHandler): HttpHandler {
  return async (request, context) => {
    const svc = await services();
    const { auth } = svc.config;
    const key = request.headers.get(ALERT_KEY_HEADER);
    if (key !== null) {
      if (auth.alertKey !== undefined && sameSecret(key, auth.alertKey))
        return handler(request, context, `alert-key:${createHash('sha256').update(key).digest('hex')}`);
      context.warn('alerts: refused a request with a wrong alert key');
      return unauthorized(
        auth.alertKey === undefined
          ? `this receiver takes no alert key (STAMPS_ALERT_KEY is not set); send the action group's secure webhook token`
          : `the ${ALERT_KEY_HEADER} header does not hold this receiver's key`,
      );
    }
    const caller = callerIdentity(request, auth);
    if (caller.kind === 'principal' && caller.principal.roles.includes(ALERT_SENDER_ROLE))
      return handler(request, context, `principal:${caller.principal.id}`);
    const who =
      caller.kind === 'principal'
        ? `${caller.principal.name} does not hold the ${ALERT_SENDER_ROLE} role`
        : caller.why;
    context.warn(`alerts: refused an unauthenticated sender (${who})`);
    return unauthorized(
      `alerts are accepted from the Azure Monitor action group's secure webhook (a token with the ${ALERT_SENDER_ROLE} app role) or with the receiver's key in ${ALERT_KEY_HEADER}; ${who}`,
    );
  };
}

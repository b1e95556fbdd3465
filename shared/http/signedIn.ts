import type {
  FunctionResult,
  HttpHandler,
  HttpRequest,
  HttpResponse,
  HttpResponseInit,
  InvocationContext,
} from '@azure/functions';

import { services } from '../app/services';
import { checkAccess } from '../auth/access';
import { decodeClientPrincipal, type Principal } from '../auth/principal';
import type { StampRole } from '../auth/roles';
import type { AuthSettings } from '../config/loadConfig';
import { problem } from './problem';

export const CLIENT_PRINCIPAL_HEADER = 'x-ms-client-principal';

/** What a route's handler answers, as `@azure/functions` takes it. */
export type RouteResult = FunctionResult<HttpResponseInit | HttpResponse>;

/** A route's handler once its caller is known: the principal is who the audit names. */
export type SignedInHandler = (
  request: HttpRequest,
  context: InvocationContext,
  principal: Principal,
) => RouteResult;

export type CallerIdentity =
  | { readonly kind: 'principal'; readonly principal: Principal }
  | { readonly kind: 'anonymous'; readonly why: string };

/**
 * Who the platform says is calling. App Service authentication removes any client-sent
 * `X-MS-CLIENT-PRINCIPAL*` header and sets its own; without it (WEBSITE_AUTH_ENABLED not `True`)
 * such a header is whatever the client wrote, so it is never read.
 */
export function callerIdentity(request: HttpRequest, auth: AuthSettings): CallerIdentity {
  const header = request.headers.get(CLIENT_PRINCIPAL_HEADER);
  if (!auth.platformSignIn) {
    return {
      kind: 'anonymous',
      why:
        header === null
          ? 'App Service authentication is not enabled on this app'
          : 'App Service authentication is not enabled on this app, so the identity header the request carries was ignored',
    };
  }
  if (header === null || header.trim() === '')
    return { kind: 'anonymous', why: 'the request is not signed in' };
  const decoded = decodeClientPrincipal(header, {
    id: request.headers.get('x-ms-client-principal-id') ?? undefined,
    name: request.headers.get('x-ms-client-principal-name') ?? undefined,
  });
  return decoded.ok
    ? { kind: 'principal', principal: decoded.principal }
    : { kind: 'anonymous', why: decoded.reason };
}

/** 401 carries the scheme a tool should use (RFC 9110 §11.6.1). */
export function unauthorized(detail: string): HttpResponseInit {
  const answer = problem(401, detail);
  return {
    ...answer,
    headers: { ...(answer.headers as Record<string, string>), 'www-authenticate': 'Bearer' },
  };
}

/**
 * Runs `handler` for a caller holding `role`: 401 (problem+json) without a principal, 403 naming
 * the missing role without the role. Every API route is registered through this or
 * `alertSender`; the host's function keys play no part (the routes are anonymous to the host,
 * as App Service authentication in front of Functions requires).
 */
export function signedIn(role: StampRole, handler: SignedInHandler): HttpHandler {
  return async (request, context) => {
    const svc = await services();
    const what = `${request.method} ${new URL(request.url).pathname}`;
    const caller = callerIdentity(request, svc.config.auth);
    const access = checkAccess(caller.kind === 'principal' ? caller.principal : undefined, role, what);
    if (caller.kind === 'anonymous')
      return unauthorized(`${access.allowed ? '' : access.detail} (${caller.why})`);
    if (!access.allowed) {
      context.warn(`${what} refused to ${caller.principal.name} (${caller.principal.id}): needs ${role}`);
      return problem(403, access.detail, { role: access.role });
    }
    return handler(request, context, caller.principal);
  };
}

import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { services } from '../../shared/app/services';
import { permissionsOf } from '../../shared/auth/permissions';
import { answerErrors } from '../../shared/http/answerErrors';
import { json } from '../../shared/http/problem';
import { callerIdentity, unauthorized } from '../../shared/http/signedIn';

/**
 * `GET /api/me`: who the platform signed in and what they may do. Any signed-in principal may
 * ask, with or without a Stamps role, so a person without one learns which role to ask for.
 */
export async function whoAmI(request: HttpRequest): Promise<HttpResponseInit> {
  const svc = await services();
  const caller = callerIdentity(request, svc.config.auth);
  if (caller.kind === 'anonymous') return unauthorized(`nobody is signed in (${caller.why})`);
  const { principal } = caller;
  return json(200, {
    id: principal.id,
    name: principal.name,
    provider: principal.provider,
    can: permissionsOf(principal, svc.config.auth.overrideRequiresAdmin),
  });
}

export const handlers = { whoAmI: answerErrors(whoAmI) };

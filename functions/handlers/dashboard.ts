import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { services } from '../../shared/app/services';
import { DASHBOARD_CSP, DASHBOARD_HTML } from '../../shared/dashboard/page';
import { answerErrors } from '../../shared/http/answerErrors';
import { callerIdentity, unauthorized } from '../../shared/http/signedIn';

/** Where App Service authentication signs a browser in with Microsoft Entra ID, and back here. */
export const SIGN_IN_PATH = '/.auth/login/aad?post_login_redirect_uri=/api/dashboard';

/**
 * The operators' dashboard: one self-contained page that calls this app's own API with relative
 * URLs and the platform's session cookie, so it works on the local host and on Azure alike. No
 * key travels in its URL; a browser that is not signed in is sent to sign in.
 */
export async function dashboard(request: HttpRequest): Promise<HttpResponseInit> {
  const svc = await services();
  const caller = callerIdentity(request, svc.config.auth);
  if (caller.kind === 'anonymous') {
    if (svc.config.auth.platformSignIn && svc.config.cloud === 'azure')
      return { status: 302, headers: { location: SIGN_IN_PATH, 'cache-control': 'no-store' } };
    return unauthorized(`the dashboard needs a signed-in principal (${caller.why})`);
  }
  return {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': DASHBOARD_CSP,
      'x-content-type-options': 'nosniff',
    },
    body: DASHBOARD_HTML,
  };
}

export const handlers = { dashboard: answerErrors(dashboard) };

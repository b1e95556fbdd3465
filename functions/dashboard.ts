import { app, type HttpResponseInit } from '@azure/functions';

import { DASHBOARD_CSP, DASHBOARD_HTML } from '../shared/dashboard/page';

/**
 * The operators' dashboard: one self-contained page that polls this app's own API with relative
 * URLs, so it works on the local host and on Azure alike (the function key travels in `?code=`).
 */
export function dashboard(): Promise<HttpResponseInit> {
  return Promise.resolve({
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': DASHBOARD_CSP,
      'x-content-type-options': 'nosniff',
    },
    body: DASHBOARD_HTML,
  });
}

app.http('dashboard', { route: 'dashboard', methods: ['GET'], authLevel: 'function', handler: dashboard });

import type { HttpHandler } from '@azure/functions';

import { problem } from './problem';

/**
 * What a browser's `Sec-Fetch-Site` may say for a request that changes something: sent from the
 * app's own pages, or typed by the user. Tools (stampctl, curl, Azure Monitor) send no such
 * header. https://www.w3.org/TR/fetch-metadata/#sec-fetch-site-header
 */
const ALLOWED_SITES = new Set(['same-origin', 'none']);

/** Whether a request's `Sec-Fetch-Site` says another site's page made the browser send it. */
export function fromAnotherSite(site: string | null | undefined): boolean {
  return site !== null && site !== undefined && !ALLOWED_SITES.has(site.trim().toLowerCase());
}

/**
 * Refuses a change that another site's page makes the browser send (cross-site request forgery):
 * the platform's session cookie, or the local host's default user, would otherwise sign it in.
 */
export function sameOriginOnly(handler: HttpHandler): HttpHandler {
  return (request, context) => {
    const site = request.headers.get('sec-fetch-site');
    if (fromAnotherSite(site)) {
      context.warn(`${request.method} ${new URL(request.url).pathname}: refused a ${site} request`);
      return problem(
        403,
        `a ${site} request cannot change anything here: use the dashboard on this app's own origin, stampctl or the API`,
      );
    }
    return handler(request, context);
  };
}

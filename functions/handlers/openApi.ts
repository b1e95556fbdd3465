import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { services } from '../../shared/app/services';
import { answerErrors } from '../../shared/http/answerErrors';
import { json } from '../../shared/http/problem';
import { callerIdentity, unauthorized } from '../../shared/http/signedIn';

/** The API's version in the document: the app's (package.json). */
const API_VERSION = '0.1.0';
let document: Record<string, unknown> | undefined;

/**
 * `GET /api/openapi.json`: the OpenAPI 3.1 document of every route, built from the zod schemas
 * that validate the requests (on first call: an invocation that does not ask loads none of it).
 * Any signed-in principal may read it, as `/api/me`.
 */
export async function openApi(request: HttpRequest): Promise<HttpResponseInit> {
  const svc = await services();
  const caller = callerIdentity(request, svc.config.auth);
  if (caller.kind === 'anonymous') return unauthorized(`nobody is signed in (${caller.why})`);
  // Built once per process: the routes and their schemas do not change while it runs.
  document ??= (await import('../../shared/http/openApi.js')).openApiDocument(API_VERSION);
  return json(200, document);
}

export const handlers = { openApi: answerErrors(openApi) };

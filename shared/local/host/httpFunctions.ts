import type { IncomingMessage } from 'node:http';

import { type Cookie, HttpRequest, HttpResponse } from '@azure/functions';

import type { RegisteredFunction } from './functionRegistry';
import type { HostReply } from './hostReply';
import { isPlatformIdentityHeader } from './localIdentity';
import { compareRoutePrecedence, matchRoute, parseRouteTemplate, type RouteTemplate } from './routeTemplate';

/** One HTTP function as the host routes it. */
export interface HttpRoute {
  readonly fn: RegisteredFunction;
  readonly template: RouteTemplate;
  /** Upper-case methods; the library's default is GET and POST. */
  readonly methods: readonly string[];
}

/** The result of routing a path: a function with its params, a path that exists for other methods, or nothing. */
export type RouteMatch =
  | { readonly kind: 'matched'; readonly route: HttpRoute; readonly params: Record<string, string> }
  | { readonly kind: 'methodNotAllowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'notFound' };

/** The route table of every `app.http` function, most specific template first. */
export function buildHttpRoutes(functions: readonly RegisteredFunction[]): HttpRoute[] {
  const routes = functions.map((fn): HttpRoute => {
    const route = fn.trigger['route'];
    const methods = fn.trigger['methods'];
    return {
      fn,
      template: parseRouteTemplate(typeof route === 'string' ? route : fn.name),
      methods: Array.isArray(methods)
        ? methods.filter((m): m is string => typeof m === 'string').map((m) => m.toUpperCase())
        : ['GET', 'POST'],
    };
  });
  // Array.prototype.sort is stable: equal templates keep registration order.
  return routes.sort((a, b) => compareRoutePrecedence(a.template, b.template));
}

/** Finds the function for `method` on the decoded path segments (after the route prefix). */
export function routeRequest(
  routes: readonly HttpRoute[],
  method: string,
  segments: readonly string[],
): RouteMatch {
  const allowed = new Set<string>();
  for (const route of routes) {
    const params = matchRoute(route.template, segments);
    if (params === undefined) continue;
    if (route.methods.includes(method)) return { kind: 'matched', route, params };
    route.methods.forEach((m) => allowed.add(m));
  }
  return allowed.size > 0 ? { kind: 'methodNotAllowed', allowed: [...allowed] } : { kind: 'notFound' };
}

/** Joins repeated header or query values as the Functions host does (comma-separated). */
function flatten(value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}

/**
 * The `HttpRequest` the Node worker would build (`fromRpcHttp`): full URL, method, headers,
 * query, route params and the body bytes, with the identity headers the platform sets.
 */
export function toFunctionRequest(
  incoming: IncomingMessage,
  url: URL,
  params: Record<string, string>,
  body: Buffer,
  platformHeaders: Record<string, string> = {},
): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    // The platform's identity headers are the platform's: a client's own never reach a function.
    if (isPlatformIdentityHeader(name)) continue;
    const flat = flatten(value);
    if (flat !== undefined) headers[name] = flat;
  }
  Object.assign(headers, platformHeaders);
  const query: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
  return new HttpRequest({
    method: (incoming.method ?? 'GET').toUpperCase(),
    url: url.toString(),
    headers,
    query,
    params,
    body: { bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) },
  });
}

function serializeCookie(cookie: Cookie): string {
  const parts = [`${cookie.name}=${cookie.value}`];
  if (cookie.domain !== undefined) parts.push(`Domain=${cookie.domain}`);
  if (cookie.path !== undefined) parts.push(`Path=${cookie.path}`);
  if (cookie.expires !== undefined) parts.push(`Expires=${new Date(cookie.expires).toUTCString()}`);
  if (cookie.maxAge !== undefined) parts.push(`Max-Age=${cookie.maxAge}`);
  if (cookie.secure === true) parts.push('Secure');
  if (cookie.httpOnly === true) parts.push('HttpOnly');
  if (cookie.sameSite !== undefined) parts.push(`SameSite=${cookie.sameSite}`);
  return parts.join('; ');
}

/** Thrown when a handler returns something that is not an HTTP response (the worker refuses it too). */
export class InvalidHttpResultError extends Error {
  override readonly name = 'InvalidHttpResultError';
}

/**
 * Turns what a handler returned (`HttpResponseInit`, `HttpResponse`, or nothing) into the
 * reply, as the worker's `toRpcHttp` does: `jsonBody` is serialized with
 * `application/json`, headers and cookies are kept. Nothing returned answers 204.
 */
export async function toHostReply(result: unknown): Promise<HostReply> {
  if (result === undefined || result === null) return { status: 204, headers: {} };
  if (typeof result !== 'object') {
    throw new InvalidHttpResultError(
      'The HTTP response must be an object with optional properties "body", "status", "headers", and "cookies".',
    );
  }
  const response = result instanceof HttpResponse ? result : new HttpResponse(result);
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  if (response.cookies.length > 0) headers['set-cookie'] = response.cookies.map(serializeCookie);
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers, body: bytes.length > 0 ? bytes : undefined };
}

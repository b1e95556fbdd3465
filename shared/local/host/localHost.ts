import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { format } from 'node:util';

import type { LogHandler, LogLevel, Timer } from '@azure/functions';

import type { IdempotencyDeps } from '../../app/idempotency/answerOnce';
import { fromAnotherSite } from '../../http/sameOrigin';
import type { Clock } from '../../ports/clock';
import { forLog } from '../../text/forLog';
import type { LocalServiceBus } from '../bus/localServiceBus';
import { bindServiceBusFunctions } from '../bus/serviceBusTriggers';
import { WEBHOOK_PATH } from '../durable/clientBinding';
import type { LocalDurableRuntime } from '../durable/runtime';
import { EVENT_GRID_WEBHOOK_PATH, type LocalEventGrid } from '../eventgrid/localEventGrid';
import { MAX_EVENT_BYTES } from '../eventgrid/schemas';
import { handleEventGridWebhook } from './eventGridWebhook';
import type { FunctionRegistry, RegisteredFunction } from './functionRegistry';
import { HostAlreadyStartedError, HostNeverIdleError } from './hostErrors';
import { describeError, type HostLog, type HostLogLevel, silentLog } from './hostLog';
import { type HostReply, problemReply, writeReply } from './hostReply';
import {
  buildHttpRoutes,
  type HttpRoute,
  routeRequest,
  toFunctionRequest,
  toHostReply,
} from './httpFunctions';
import { idempotentHostReply } from './idempotentSim';
import type { InvokeOptions } from './invokeFunction';
import { type LocalIdentity, platformHeadersFor } from './localIdentity';
import { readRequestBody, tooLargeHeaders } from './requestBody';
import { handleSimRequest, type HostSimulation } from './simRoutes';
import { TimerScheduler } from './timerTriggers';

/**
 * The largest request body the host passes to an HTTP function by default (issue 4: "over 64 KiB
 * → 413"); a function may refuse less, and a host may allow more (`maxBodyBytes`).
 */
export const MAX_HTTP_BODY_BYTES = 64 * 1024;
/** host.json `extensions.http.routePrefix`. */
export const ROUTE_PREFIX = 'api';

export interface LocalHostOptions {
  /** The function app, loaded (`loadFunctionApp`) before {@link LocalHost.start}. */
  readonly registry: FunctionRegistry;
  /** Runs orchestrations and invokes every handler with its durable client bound. */
  readonly runtime: LocalDurableRuntime;
  /** Simulated time: timers, the queue's scheduled messages and Event Grid retries run on it. */
  readonly clock: Clock;
  /** Serves `app.serviceBusQueue` functions (omit it and they are not served). */
  readonly bus?: LocalServiceBus;
  /** Delivers to `app.eventGrid` functions through this host's webhook. */
  readonly eventGrid?: LocalEventGrid;
  /** Enables `/sim/*`. */
  readonly simulation?: HostSimulation;
  /** Where `/sim/*` keeps the first answers to requests sent with an Idempotency-Key. */
  readonly idempotency?: IdempotencyDeps;
  /** The largest body passed to an HTTP function, {@link MAX_HTTP_BODY_BYTES} by default. */
  readonly maxBodyBytes?: number;
  /** 7071 by default; 0 picks a free port (tests). */
  readonly port?: number;
  readonly log?: HostLog;
  /** Whether {@link LocalHost.stop} also closes the bus and the Event Grid (default true). */
  readonly closeTransports?: boolean;
  /** See {@link TimerScheduler}: lateness (simulated ms) before a timer run is past due. */
  readonly timerPastDueToleranceMs?: number;
  /**
   * Plays App Service authentication: signs `/api/*` requests in (bearer token or the default
   * user) and sets `x-ms-client-principal`. Without it no request is signed in. Either way a
   * client's own identity headers are removed.
   */
  readonly identity?: LocalIdentity;
}

interface Advanceable {
  advance(ms: number): Promise<void> | void;
}

function canAdvance(clock: Clock): clock is Clock & Advanceable {
  return typeof (clock as Partial<Advanceable>).advance === 'function';
}

const LOG_LEVELS: Readonly<Record<LogLevel, HostLogLevel | undefined>> = {
  trace: 'debug',
  debug: 'debug',
  information: 'info',
  warning: 'warn',
  error: 'error',
  critical: 'error',
  none: undefined,
};

/** Splits a path into decoded segments; `undefined` if a segment is not valid percent-encoding. */
function decodeSegments(path: string): string[] | undefined {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  if (trimmed.length === 0) return [];
  try {
    return trimmed.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

/**
 * The local Functions host of `npm start` and the end-to-end tests, on 127.0.0.1:
 * - every `app.http` function at `/api/{route}` (route templates and methods; bodies over
 *   64 KiB answer 413, unknown routes 404, a throwing handler 500, all problem+json);
 * - the Event Grid webhook `/runtime/webhooks/eventgrid?functionName=` (handshakes, both schemas);
 * - the Durable HTTP API (`createCheckStatusResponse` URLs);
 * - `/sim/*` when a simulation is given;
 * - `app.serviceBusQueue` functions on the local queue and `app.timer` functions on the clock.
 * Every handler is invoked through `runtime.invoke`, so `df.getClient(context)` works.
 *
 * @example
 * const registry = await loadFunctionApp(entry);
 * const runtime = new LocalDurableRuntime({ registry, clock });
 * await runtime.start();
 * const host = new LocalHost({ registry, runtime, clock, bus, eventGrid, simulation, port: 7071 });
 * const origin = await host.start(); // http://127.0.0.1:7071
 * await host.stop();
 * await runtime.stop();
 */
export class LocalHost {
  private readonly log: HostLog;
  /** Rebuilt on every start: a stopped scheduler stays disarmed. */
  private timers: TimerScheduler;
  private routes: HttpRoute[] = [];
  private server: Server | undefined;
  private originValue: string | undefined;
  private unbindBus: (() => void) | undefined;
  private readonly requests = new Set<Promise<void>>();
  private requestCount = 0;

  constructor(private readonly options: LocalHostOptions) {
    this.log = options.log ?? silentLog;
    this.timers = this.newTimerScheduler();
  }

  private newTimerScheduler(): TimerScheduler {
    return new TimerScheduler({
      clock: this.options.clock,
      invoke: (fn, timer: Timer) => this.invoke(fn, timer),
      log: this.log,
      pastDueToleranceMs: this.options.timerPastDueToleranceMs,
    });
  }

  /** `http://127.0.0.1:<port>` once started. */
  /** The HTTP functions served, as `METHOD route` (`POST stamps/{id}/drain`): for tools and tests. */
  get httpRoutes(): string[] {
    return this.routes.flatMap((r) => {
      const route = r.fn.trigger['route'];
      return r.methods.map((method) => `${method} ${typeof route === 'string' ? route : r.fn.name}`);
    });
  }

  get origin(): string | undefined {
    return this.originValue;
  }

  /**
   * Starts serving: reads the route table (an invalid route template or timer schedule throws
   * here, before anything listens), makes sure the durable runtime's client API listens,
   * opens the server, subscribes the queue functions, attaches the Event Grid and arms timers.
   */
  async start(): Promise<string> {
    if (this.server !== undefined) throw new HostAlreadyStartedError(this.originValue);
    const { registry, runtime } = this.options;
    this.routes = buildHttpRoutes(registry.list('http'));
    if (runtime.origin === undefined) await runtime.listen();

    const server = createServer((request, response) => this.onRequest(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 7071, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.originValue = origin;

    try {
      if (this.options.bus !== undefined) {
        this.unbindBus = bindServiceBusFunctions(
          this.options.bus,
          registry.list('serviceBus'),
          (fn, input, invokeOptions) => this.invoke(fn, input, invokeOptions),
          this.log,
        );
      } else if (registry.list('serviceBus').length > 0) {
        this.log('warn', 'servicebus: no local bus given; Service Bus functions are not served');
      }
      const eventGridFunctions = registry.list('eventGrid').map((fn) => fn.name);
      this.options.eventGrid?.attach({ origin, functionNames: eventGridFunctions });
      this.timers = this.newTimerScheduler();
      this.timers.start(registry.list('timer'));
    } catch (error) {
      await this.stop();
      throw error;
    }
    for (const route of this.routes) {
      this.log(
        'info',
        `http: ${route.methods.join(',')} ${origin}/${ROUTE_PREFIX}/${route.template.template} -> ${route.fn.name}`,
      );
    }
    return origin;
  }

  /** Stops timers and queue consumers, closes the server (and, by default, the bus and Event Grid). */
  async stop(): Promise<void> {
    await this.timers.stop();
    this.unbindBus?.();
    this.unbindBus = undefined;
    this.options.eventGrid?.detach();
    if (this.options.closeTransports ?? true) {
      await this.options.bus?.close();
      await this.options.eventGrid?.close();
    }
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
    }
    await Promise.allSettled([...this.requests]);
  }

  /**
   * Resolves when the host, the queue, the Event Grid, the timers and the durable runtime have
   * no work in progress, looping until one pass sees nothing new start. Work waiting for the
   * clock (timers, scheduled messages, retries, durable timers) does not count.
   */
  async idle(): Promise<void> {
    const { bus, eventGrid, runtime } = this.options;
    const mark = (): string =>
      `${bus?.deliveryCount ?? 0}/${eventGrid?.attemptCount ?? 0}/${this.timers.firedCount}/${this.requestCount}`;
    const quiet = (): boolean =>
      (bus?.isIdle ?? true) && (eventGrid?.isIdle ?? true) && this.timers.isIdle && this.requests.size === 0;
    const maxPasses = 10_000;
    for (let pass = 0; pass < maxPasses; pass++) {
      const wasQuiet = quiet();
      const before = mark();
      await runtime.idle();
      await bus?.idle();
      await eventGrid?.idle();
      await this.timers.idle();
      await Promise.allSettled([...this.requests]);
      if (wasQuiet && quiet() && mark() === before) return;
    }
    throw new HostNeverIdleError(maxPasses);
  }

  /** Invokes a function through the runtime (durable client bound), logging through the host. */
  private async invoke(
    fn: RegisteredFunction,
    input: unknown,
    options: InvokeOptions = {},
  ): Promise<unknown> {
    const logHandler: LogHandler = (level, ...args) => {
      const mapped = LOG_LEVELS[level];
      // Function logs carry request text: one call stays one line, whatever the text holds.
      if (mapped !== undefined) this.log(mapped, `${fn.name}: ${forLog(format(...args), 4000)}`);
    };
    // Every non-HTTP, non-timer trigger carries `sys` in its metadata, as the Functions host binds it.
    const triggerMetadata =
      fn.kind === 'http' || fn.kind === 'timer'
        ? options.triggerMetadata
        : {
            ...options.triggerMetadata,
            sys: {
              methodName: fn.name,
              utcNow: this.options.clock.now().toISOString(),
              randGuid: randomUUID(),
            },
          };
    const { result } = await this.options.runtime.invoke(fn, input, {
      ...options,
      triggerMetadata,
      logHandler,
    });
    return result;
  }

  private onRequest(request: IncomingMessage, response: ServerResponse): void {
    this.requestCount++;
    const work = this.handle(request, response).catch((error: unknown) => {
      this.log(
        'error',
        `http: ${request.method ?? '?'} ${request.url ?? '?'} failed: ${describeError(error)}`,
      );
      writeReply(response, problemReply(500, 'the local host failed to handle the request'));
    });
    this.requests.add(work);
    void work.finally(() => this.requests.delete(work));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Concatenated, not resolved: a request line such as `//host/x` must stay a path here.
    const url = new URL(`${this.originValue ?? 'http://127.0.0.1'}${request.url ?? '/'}`);
    const path = url.pathname;
    if (path.startsWith(`${WEBHOOK_PATH}/`)) {
      // The durable runtime's HTTP API reads its own body (and checks its system key);
      // check-status URLs land here. Its RPC path stays on the runtime's own listener, as on
      // Azure, where the worker's endpoint is not reachable from outside.
      if (await this.options.runtime.httpApiHandler(request, response)) return;
      writeReply(response, problemReply(404, `no Durable HTTP API path ${path}`, { instance: path }));
      return;
    }
    writeReply(response, await this.reply(request, url));
  }

  private async reply(request: IncomingMessage, url: URL): Promise<HostReply> {
    const method = (request.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const instance = path;
    const header = (name: string): string | undefined => {
      const value = request.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    };

    if (path === EVENT_GRID_WEBHOOK_PATH) {
      const body = await readRequestBody(request, MAX_EVENT_BYTES);
      if (body.kind === 'tooLarge')
        return problemReply(413, `Event Grid requests are limited to ${MAX_EVENT_BYTES} bytes`, {
          instance,
          headers: tooLargeHeaders(body),
        });
      return handleEventGridWebhook(
        { method, url, header, body: body.bytes },
        this.options.registry,
        (fn, event) => this.invoke(fn, event),
        this.log,
      );
    }

    const segments = decodeSegments(path);
    if (segments === undefined)
      return problemReply(400, 'the path has an invalid percent-encoding', { instance });
    const [first, ...rest] = segments;

    if (first === 'sim' && this.options.simulation !== undefined) {
      // The console signs nobody in; a page on another site must not drive it through a browser.
      const site = header('sec-fetch-site');
      if (method !== 'GET' && fromAnotherSite(site))
        return problemReply(403, `a ${site} request cannot drive the simulation`, { instance });
      const body = await readRequestBody(request, MAX_HTTP_BODY_BYTES);
      if (body.kind === 'tooLarge')
        return problemReply(413, `simulation requests are limited to ${MAX_HTTP_BODY_BYTES} bytes`, {
          instance,
          headers: tooLargeHeaders(body),
        });
      const clock = this.options.clock;
      const simulation = this.options.simulation;
      const run = (): Promise<HostReply> =>
        handleSimRequest(
          { method, segments: rest, body: body.bytes, instance },
          simulation,
          canAdvance(clock) ? (ms) => clock.advance(ms) : undefined,
          () => clock.now(),
          this.log,
        );
      const idempotency = this.options.idempotency;
      return idempotency === undefined
        ? run()
        : idempotentHostReply(idempotency, { method, url, header, body: body.bytes }, run);
    }

    if (first?.toLowerCase() !== ROUTE_PREFIX) {
      return problemReply(404, `nothing is served at ${path}; HTTP functions are under /${ROUTE_PREFIX}/`, {
        instance,
      });
    }
    const match = routeRequest(this.routes, method, rest);
    if (match.kind === 'notFound')
      return problemReply(404, `no function is routed at ${method} ${path}`, { instance });
    if (match.kind === 'methodNotAllowed') {
      return problemReply(405, `${path} does not accept ${method}; it accepts ${match.allowed.join(', ')}`, {
        instance,
        headers: { allow: match.allowed.join(', ') },
      });
    }
    const limit = this.options.maxBodyBytes ?? MAX_HTTP_BODY_BYTES;
    const body = await readRequestBody(request, limit);
    if (body.kind === 'tooLarge') {
      return problemReply(413, `request bodies are limited to ${limit} bytes (${limit / 1024} KiB)`, {
        instance,
        headers: tooLargeHeaders(body),
      });
    }
    const signIn = this.options.identity?.signIn(header('authorization'), header('cookie')) ?? {
      kind: 'anonymous',
    };
    if (signIn.kind === 'invalid-token') {
      // As App Service authentication answers a token it cannot validate.
      return problemReply(401, `${signIn.detail}; sign in again`, {
        instance,
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      });
    }
    const identity = signIn.kind === 'principal' ? platformHeadersFor(signIn.principal) : {};
    const fn = match.route.fn;
    const started = Date.now();
    try {
      const result = await this.invoke(
        fn,
        toFunctionRequest(request, url, match.params, body.bytes, identity),
      );
      const reply = await toHostReply(result);
      this.log(
        'debug',
        `http: ${method} ${path} -> ${reply.status} (${fn.name}, ${Date.now() - started} ms)`,
      );
      return reply;
    } catch (error) {
      this.log('error', `http: ${method} ${path} -> 500: ${fn.name} threw ${describeError(error)}`);
      return problemReply(500, `the function ${fn.name} failed; see the host log`, { instance });
    }
  }
}

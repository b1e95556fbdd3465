import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

import { type CommandOutcome, submitOperatorEvent } from '../shared/app/operatorCommands';
import { startStamp, wakeStamp } from '../shared/app/orchestration/orchestrationClient';
import {
  cleanupBody,
  createStampBody,
  drainBody,
  isolateBody,
  isStampId,
  listQuery,
  parseWith,
  returnBody,
  verifyBody,
} from '../shared/app/requests';
import { requestStamp } from '../shared/app/requestStamp';
import { type Services, services } from '../shared/app/services';
import { historyView, stampView } from '../shared/app/views';
import { answerErrors } from '../shared/http/answerErrors';
import { readJsonBody } from '../shared/http/body';
import { json, problem } from '../shared/http/problem';
import type { StampEvent } from '../shared/lifecycle/events';

/** Who asked: the authenticated principal when App Service authentication is on, else the body's. */
function actorOf(request: HttpRequest, fromBody: string | undefined): string {
  return request.headers.get('x-ms-client-principal-name') ?? fromBody ?? 'operator';
}

function now(svc: Services): string {
  return svc.clock.now().toISOString();
}

function badStampId(id: string | undefined): HttpResponseInit {
  return problem(400, `'${id ?? ''}' is not a stamp id; stamp ids look like weu-001`);
}

export async function createStamp(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const body = await readJsonBody(request);
  if (!body.ok) return problem(body.status, body.detail);
  const parsed = parseWith(createStampBody, body.value, 'stamp request');
  if (!parsed.ok) return problem(400, parsed.detail);
  const svc = await services();
  const { region, allowOtherRegions = false, reason } = parsed.value;
  const outcome = await requestStamp(svc, {
    placement: { ...(region === undefined ? {} : { region }), allowOtherRegions },
    cause: {
      kind: 'operator',
      eventId: context.invocationId,
      actor: actorOf(request, undefined),
      reason: reason ?? 'stamp requested',
    },
  });
  if (outcome.kind === 'unknown-region') return problem(400, outcome.reason);
  if (outcome.kind === 'no-capacity') return problem(409, outcome.reason, { guard: 'capacity' });
  await startStamp(df.getClient(context), outcome.stamp.id, outcome.effects);
  context.log(`stamp ${outcome.stamp.id} requested in ${outcome.stamp.region}`);
  return json(202, stampView(outcome.stamp, now(svc), svc.config.policy), {
    location: `/api/stamps/${outcome.stamp.id}`,
  });
}

export async function listStamps(request: HttpRequest): Promise<HttpResponseInit> {
  const parsed = parseWith(listQuery, Object.fromEntries(request.query.entries()), 'query');
  if (!parsed.ok) return problem(400, parsed.detail);
  const svc = await services();
  const stamps = await svc.store.list(parsed.value);
  const at = now(svc);
  return json(200, { stamps: stamps.map((stamp) => stampView(stamp, at, svc.config.policy)) });
}

export async function getStamp(request: HttpRequest): Promise<HttpResponseInit> {
  const id = request.params['id'];
  if (!isStampId(id)) return badStampId(id);
  const svc = await services();
  const stored = await svc.store.get(id);
  if (stored === undefined) return problem(404, `there is no stamp '${id}'`);
  const history = await svc.store.history(id);
  return json(200, {
    ...stampView(stored.stamp, now(svc), svc.config.policy),
    history: historyView(history),
  });
}

async function answerCommand(
  context: InvocationContext,
  id: string,
  outcome: CommandOutcome,
): Promise<HttpResponseInit> {
  if (outcome.kind === 'not-found') return problem(404, `there is no stamp '${id}'`);
  if (outcome.kind === 'refused') {
    return problem(409, outcome.reason, { guard: outcome.guard, stampId: id, phase: outcome.stamp.phase });
  }
  await wakeStamp(df.getClient(context), id);
  const svc = await services();
  return json(202, stampView(outcome.stamp, now(svc), svc.config.policy), { location: `/api/stamps/${id}` });
}

function operatorCommand(
  build: (
    request: HttpRequest,
    value: unknown,
    context: InvocationContext,
  ) => { event: StampEvent } | { detail: string },
) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const id = request.params['id'];
    if (!isStampId(id)) return badStampId(id);
    const body = await readJsonBody(request);
    if (!body.ok) return problem(body.status, body.detail);
    const built = build(request, body.value, context);
    if ('detail' in built) return problem(400, built.detail);
    return answerCommand(context, id, await submitOperatorEvent(await services(), id, built.event));
  };
}

export const drainStamp = operatorCommand((request, value, context) => {
  const parsed = parseWith(drainBody, value, 'drain request');
  if (!parsed.ok) return { detail: parsed.detail };
  const { reason, drainMinutes, override, actor } = parsed.value;
  return {
    event: {
      type: 'DrainRequested',
      id: context.invocationId,
      source: 'operator',
      actor: actorOf(request, actor),
      reason: reason ?? 'drain requested',
      ...(drainMinutes === undefined ? {} : { drainMinutes }),
      ...(override === undefined ? {} : { override }),
    },
  };
});

export const isolateStamp = operatorCommand((request, value, context) => {
  const parsed = parseWith(isolateBody, value, 'isolate request');
  if (!parsed.ok) return { detail: parsed.detail };
  const { reason, override, actor } = parsed.value;
  return {
    event: {
      type: 'IsolateRequested',
      id: context.invocationId,
      actor: actorOf(request, actor),
      reason,
      ...(override === undefined ? {} : { override }),
    },
  };
});

/** rejoin, cancel-drain, cleanup: a reason, and an override where a guard can refuse. */
function returnCommand(
  type: 'RejoinRequested' | 'DrainCancelRequested',
  what: string,
): ReturnType<typeof operatorCommand> {
  return operatorCommand((request, value, context) => {
    const parsed = parseWith(returnBody, value, what);
    if (!parsed.ok) return { detail: parsed.detail };
    const { reason, override, actor } = parsed.value;
    return {
      event: {
        type,
        id: context.invocationId,
        actor: actorOf(request, actor),
        reason,
        ...(override === undefined ? {} : { override }),
      },
    };
  });
}

export const rejoinStamp = returnCommand('RejoinRequested', 'rejoin request');
export const cancelDrain = returnCommand('DrainCancelRequested', 'cancel-drain request');

export const cleanupStamp = operatorCommand((request, value, context) => {
  const parsed = parseWith(cleanupBody, value, 'cleanup request');
  if (!parsed.ok) return { detail: parsed.detail };
  return {
    event: {
      type: 'CleanupRequested',
      id: context.invocationId,
      actor: actorOf(request, parsed.value.actor),
      reason: parsed.value.reason,
    },
  };
});

export const verifyStamp = operatorCommand((_request, value, context) => {
  const parsed = parseWith(verifyBody, value, 'verify request');
  if (!parsed.ok) return { detail: parsed.detail };
  const { approvedBy, reason, override } = parsed.value;
  return {
    event: {
      type: 'QuarantineApproved',
      id: context.invocationId,
      actor: approvedBy,
      reason: reason ?? '',
      ...(override === undefined ? {} : { override }),
    },
  };
});

const client = [df.input.durableClient()];

app.http('createStamp', {
  route: 'stamps',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: client,
  handler: answerErrors(createStamp),
});
app.http('listStamps', {
  route: 'stamps',
  methods: ['GET'],
  authLevel: 'function',
  handler: answerErrors(listStamps),
});
app.http('getStamp', {
  route: 'stamps/{id}',
  methods: ['GET'],
  authLevel: 'function',
  handler: answerErrors(getStamp),
});
app.http('drainStamp', {
  route: 'stamps/{id}/drain',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: client,
  handler: answerErrors(drainStamp),
});
app.http('isolateStamp', {
  route: 'stamps/{id}/isolate',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: client,
  handler: answerErrors(isolateStamp),
});
app.http('verifyStamp', {
  route: 'stamps/{id}/verify',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: client,
  handler: answerErrors(verifyStamp),
});
app.http('rejoinStamp', {
  route: 'stamps/{id}/rejoin',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: client,
  handler: answerErrors(rejoinStamp),
});
app.http('cancelDrain', {
  route: 'stamps/{id}/cancel-drain',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: client,
  handler: answerErrors(cancelDrain),
});
app.http('cleanupStamp', {
  route: 'stamps/{id}/cleanup',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: client,
  handler: answerErrors(cleanupStamp),
});

import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';

import { verifyArchive } from '../../shared/app/archive/verifyArchive';
import { previewStampRequest } from '../../shared/app/dryRun/previewCapacity';
import { previewStampEvent } from '../../shared/app/dryRun/previewCommand';
import { type CommandOutcome, submitOperatorEvent } from '../../shared/app/operatorCommands';
import { startStamp, wakeStamp } from '../../shared/app/orchestration/orchestrationClient';
import {
  createStampBody,
  isStampId,
  listQuery,
  operatorCommandBody,
  pageQuery,
  parseWith,
} from '../../shared/app/requests';
import { requestStamp } from '../../shared/app/requestStamp';
import { type Services, services } from '../../shared/app/services';
import { archiveView, historyView, stampView } from '../../shared/app/views';
import { checkAccess } from '../../shared/auth/access';
import { COMMAND_ROLES, OVERRIDE_ROLE } from '../../shared/auth/commandRoles';
import type { Principal } from '../../shared/auth/principal';
import { dryRunOf, previewAnswer } from '../../shared/http/dryRun';
import { mutatingRoute, readRoute } from '../../shared/http/mutatingRoute';
import { answerBadToken, pageMembers, pageRequest } from '../../shared/http/paging';
import { json, problem } from '../../shared/http/problem';
import { readChangeBody } from '../../shared/http/requestBody';
import { type OperatorCommand, operatorEvent } from '../../shared/lifecycle/operatorCommands';
import type { Stamp } from '../../shared/lifecycle/stamp';
import { STAMP_ID_EXAMPLE } from '../../shared/lifecycle/stampNames';

function now(svc: Services): string {
  return svc.clock.now().toISOString();
}

function badStampId(id: string | undefined): HttpResponseInit {
  return problem(400, `'${id ?? ''}' is not a stamp id; stamp ids look like ${STAMP_ID_EXAMPLE}`);
}

export async function createStamp(
  request: HttpRequest,
  context: InvocationContext,
  principal: Principal,
): Promise<HttpResponseInit> {
  const dry = dryRunOf(request);
  if (!dry.ok) return dry.answer;
  const parsed = await readChangeBody(request, createStampBody, 'stamp request');
  if (!parsed.ok) return parsed.answer;
  const svc = await services();
  const { region, allowOtherRegions = false, reason } = parsed.value;
  const placement = { ...(region === undefined ? {} : { region }), allowOtherRegions };
  const cause = {
    kind: 'operator' as const,
    eventId: context.invocationId,
    actor: principal.name,
    actorId: principal.id,
    reason: reason ?? 'stamp requested',
  };
  if (dry.dryRun) {
    const preview = await previewStampRequest(svc, placement, cause);
    return preview.kind === 'preview' ? previewAnswer(preview.preview) : problem(400, preview.reason);
  }
  const outcome = await requestStamp(svc, { placement, cause });
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
  const { region, phase, ...paging } = parsed.value;
  const known = svc.config.policy.regions.map((r) => r.name);
  if (region !== undefined && !known.includes(region))
    return problem(400, `unknown region '${region}'; configured regions are ${known.join(', ')}`);
  const filter = { ...(region === undefined ? {} : { region }), ...(phase === undefined ? {} : { phase }) };
  const page = pageRequest(paging);
  const at = now(svc);
  const view = (stamps: readonly Stamp[]) => stamps.map((stamp) => stampView(stamp, at, svc.config.policy));
  if (page === undefined) return json(200, { stamps: view(await svc.store.list(filter)) });
  return answerBadToken(async () => {
    const found = await svc.store.listPage(filter, page);
    return json(200, { stamps: view(found.items), ...pageMembers(request, found) });
  });
}

/** The stamp the path names, or the answer when the id is malformed (400) or unknown (404). */
async function storedStampOf(
  request: HttpRequest,
): Promise<
  | { readonly ok: true; readonly id: string; readonly svc: Services; readonly stamp: Stamp }
  | { readonly ok: false; readonly answer: HttpResponseInit }
> {
  const id = request.params['id'];
  if (!isStampId(id)) return { ok: false, answer: badStampId(id) };
  const svc = await services();
  const stored = await svc.store.get(id);
  if (stored === undefined) return { ok: false, answer: problem(404, `there is no stamp '${id}'`) };
  return { ok: true, id, svc, stamp: stored.stamp };
}

export async function getStamp(request: HttpRequest): Promise<HttpResponseInit> {
  const found = await storedStampOf(request);
  if (!found.ok) return found.answer;
  const { id, svc, stamp } = found;
  const history = await svc.store.history(id);
  return json(200, {
    ...stampView(stamp, now(svc), svc.config.policy),
    history: historyView(history),
  });
}

/** `GET /api/stamps/{id}/history`: the audit trail alone, oldest first, paged with `limit`. */
export async function getStampHistory(request: HttpRequest): Promise<HttpResponseInit> {
  const id = request.params['id'];
  if (!isStampId(id)) return badStampId(id);
  const parsed = parseWith(pageQuery, Object.fromEntries(request.query.entries()), 'query');
  if (!parsed.ok) return problem(400, parsed.detail);
  const svc = await services();
  if ((await svc.store.get(id)) === undefined) return problem(404, `there is no stamp '${id}'`);
  const page = pageRequest(parsed.value);
  if (page === undefined)
    return json(200, { stampId: id, history: historyView(await svc.store.history(id)) });
  return answerBadToken(async () => {
    const found = await svc.store.historyPage(id, page);
    return json(200, { stampId: id, history: historyView(found.items), ...pageMembers(request, found) });
  });
}

/**
 * `GET /api/stamps/{id}/archive`: the archived records read back from immutable storage and
 * verified (hash chain, the digest in the audit trail, the store's records, the hold).
 */
export async function getStampArchive(request: HttpRequest): Promise<HttpResponseInit> {
  const found = await storedStampOf(request);
  if (!found.ok) return found.answer;
  const { id, svc, stamp } = found;
  const verification = await verifyArchive(svc, stamp, await svc.store.history(id));
  if (verification === undefined) {
    const why =
      stamp.phase === 'archived'
        ? 'its archive has not been written yet (or writing it failed: see the incidents)'
        : `it is ${stamp.phase}; a stamp's records are archived when it enters archived`;
    return problem(404, `stamp '${id}' has no archive: ${why}`, { phase: stamp.phase });
  }
  return json(200, archiveView(verification));
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

/** `POST /api/stamps/{id}/{command}`: one handler for every row of the command table. */
export function operatorCommandHandler(command: OperatorCommand) {
  const what = `${command} request`;
  return async (
    request: HttpRequest,
    context: InvocationContext,
    principal: Principal,
  ): Promise<HttpResponseInit> => {
    const id = request.params['id'];
    if (!isStampId(id)) return badStampId(id);
    const dry = dryRunOf(request);
    if (!dry.ok) return dry.answer;
    const parsed = await readChangeBody(request, operatorCommandBody(command), what);
    if (!parsed.ok) return parsed.answer;
    const svc = await services();
    if (parsed.value.override === true && svc.config.auth.overrideRequiresAdmin) {
      const access = checkAccess(principal, OVERRIDE_ROLE, `an override of a guard (${what})`);
      if (!access.allowed) return problem(403, access.detail, { role: OVERRIDE_ROLE });
    }
    // The signed-in principal is the actor (for an approval, the approver): never a body member.
    const event = operatorEvent(command, {
      ...parsed.value,
      id: context.invocationId,
      actor: principal.name,
      actorId: principal.id,
    });
    if (dry.dryRun) {
      const preview = await previewStampEvent(svc, id, event);
      return preview === undefined
        ? problem(404, `there is no stamp '${id}'`)
        : previewAnswer(preview, { stampId: id });
    }
    return answerCommand(context, id, await submitOperatorEvent(svc, id, event));
  };
}

export const handlers = {
  createStamp: mutatingRoute('Stamps.Operator', createStamp),
  listStamps: readRoute('Stamps.Reader', listStamps),
  getStamp: readRoute('Stamps.Reader', getStamp),
  getStampHistory: readRoute('Stamps.Reader', getStampHistory),
  getStampArchive: readRoute('Stamps.Reader', getStampArchive),
};

const commandHandlers = new Map<OperatorCommand, HttpHandler>();

/** The handler of each operator command's route (`POST /api/stamps/{id}/{command}`), made once. */
export function commandHandler(command: OperatorCommand): HttpHandler {
  const made =
    commandHandlers.get(command) ?? mutatingRoute(COMMAND_ROLES[command], operatorCommandHandler(command));
  commandHandlers.set(command, made);
  return made;
}

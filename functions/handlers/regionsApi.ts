import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';

import { setDesired } from '../../shared/app/desiredCapacity';
import { previewDesired } from '../../shared/app/dryRun/previewCapacity';
import { readLedgers } from '../../shared/app/fleet';
import { desiredBody } from '../../shared/app/requests';
import { services } from '../../shared/app/services';
import { regionDetailView, regionsView, regionView } from '../../shared/app/views';
import type { Principal } from '../../shared/auth/principal';
import { dryRunOf, previewAnswer } from '../../shared/http/dryRun';
import { mutatingRoute, readRoute } from '../../shared/http/mutatingRoute';
import { json, problem } from '../../shared/http/problem';
import { readChangeBody } from '../../shared/http/requestBody';
import { regionPolicy } from '../../shared/lifecycle/policy';

function unknownRegion(name: string | undefined, known: readonly string[]): HttpResponseInit {
  return problem(404, `there is no region '${name ?? ''}'; configured regions are ${known.join(', ')}`);
}

/** `GET /api/regions`: every region's desired count, what serves it, and what holds it back. */
export async function listRegions(): Promise<HttpResponseInit> {
  const svc = await services();
  const ledgers = await readLedgers(svc.store, svc.config.policy);
  return json(200, { regions: regionsView(svc.config.policy, ledgers, svc.clock.now().toISOString()) });
}

/** `GET /api/regions/{name}`: one region, its stamps and the audit trail of its desired count. */
export async function getRegion(request: HttpRequest): Promise<HttpResponseInit> {
  const svc = await services();
  const policy = svc.config.policy;
  const name = request.params['name'];
  const region = name === undefined ? undefined : regionPolicy(policy, name);
  if (region === undefined)
    return unknownRegion(
      name,
      policy.regions.map((r) => r.name),
    );
  const stored = await svc.store.ensureLedger(region.name, region.code);
  return json(200, regionDetailView(policy, stored.ledger, svc.clock.now().toISOString()));
}

/** `PUT /api/regions/{name}` `{desired, reason}`: the count the fleet reconciler converges to. */
export async function putRegion(
  request: HttpRequest,
  context: InvocationContext,
  principal: Principal,
): Promise<HttpResponseInit> {
  const svc = await services();
  const policy = svc.config.policy;
  const name = request.params['name'];
  if (name === undefined || regionPolicy(policy, name) === undefined)
    return unknownRegion(
      name,
      policy.regions.map((r) => r.name),
    );
  const dry = dryRunOf(request);
  if (!dry.ok) return dry.answer;
  const parsed = await readChangeBody(request, desiredBody, 'region update');
  if (!parsed.ok) return parsed.answer;
  if (dry.dryRun) {
    const preview = await previewDesired(svc, name, parsed.value.desired);
    if (preview.kind === 'unknown-region') return problem(404, preview.reason);
    return preview.kind === 'invalid' ? problem(400, preview.reason) : previewAnswer(preview.preview);
  }
  const actor = principal.name;
  const outcome = await setDesired(svc, name, parsed.value.desired, {
    actor,
    actorId: principal.id,
    reason: parsed.value.reason,
    requestId: context.invocationId,
  });
  if (outcome.kind === 'unknown-region') return problem(404, outcome.reason);
  if (outcome.kind === 'invalid') return problem(400, outcome.reason);
  context.log(`desired of ${name}: ${outcome.from} → ${outcome.to} by ${actor}: ${parsed.value.reason}`);
  return json(202, regionView(policy, name, outcome.ledger.ledger, svc.clock.now().toISOString()), {
    location: `/api/regions/${name}`,
  });
}

export const handlers = {
  listRegions: readRoute('Stamps.Reader', listRegions),
  getRegion: readRoute('Stamps.Reader', getRegion),
  putRegion: mutatingRoute('Stamps.Operator', putRegion),
};

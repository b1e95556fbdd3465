import { z } from 'zod';

import { StampsError, ValidationError } from '../../errors';
import { localTelemetry } from '../../telemetry/localTelemetry';
import { CHAOS_KIND_NAMES, CHAOS_KINDS, isChaosKind, MAX_FAULT_MINUTES } from '../sim/chaos';
import type { SimulationControl } from '../sim/simulationControl';
import { describeError, type HostLog } from './hostLog';
import { type HostReply, jsonReply, problemReply } from './hostReply';

/**
 * The simulated Azure's controls, plus the clock jump of `/sim/clock/advance`. When
 * `advanceClock` is absent the host uses its clock's own `advance(ms)` if it has one
 * (`ManualClock`, `ScaledClock`).
 */
export type HostSimulation = SimulationControl & {
  advanceClock?(ms: number): Promise<void> | void;
};

/** The most `/sim/clock/advance` jumps at once: a week. */
const MAX_ADVANCE_MINUTES = 7 * 24 * 60;

export interface SimRequest {
  readonly method: string;
  /** Decoded path segments after `/sim`. */
  readonly segments: readonly string[];
  readonly body: Buffer;
  readonly instance: string;
}

type Advance = ((ms: number) => Promise<void> | void) | undefined;

function parseBody(body: Buffer): { value: unknown } | { problem: string } {
  const text = body.toString('utf8');
  if (text.trim().length === 0) return { value: {} };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { problem: 'the request body is not valid JSON' };
  }
}

function numberField(value: unknown, field: string): number | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const n = (value as Record<string, unknown>)[field];
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** Maps what a control throws: a typed validation or not-found error is the caller's fault. */
function failureReply(error: unknown, instance: string, log: HostLog): HostReply {
  if (error instanceof StampsError && (error.code === 'Validation' || error.code.startsWith('Invalid'))) {
    return problemReply(400, error.message, { instance });
  }
  if (error instanceof StampsError && error.code === 'NotFound')
    return problemReply(404, error.message, { instance });
  log('error', `sim: ${instance} failed: ${describeError(error)}`);
  return problemReply(500, `the simulation control failed: ${describeError(error)}`, { instance });
}

/**
 * Serves `/sim/*` (local only, absent on Azure): stamp and region failure and recovery,
 * region load, clock jumps and the simulated state. Bad input is a 400 problem.
 */
export async function handleSimRequest(
  request: SimRequest,
  simulation: HostSimulation,
  clockAdvance: Advance,
  now: () => Date,
  log: HostLog,
): Promise<HostReply> {
  const { method, segments, instance } = request;
  const [area, id, action, extra] = segments;
  const notFound = (): HostReply =>
    problemReply(404, `no simulation route ${method} ${instance}; see GET /sim/state`, { instance });

  if (area === 'state' && id === undefined) {
    if (method !== 'GET')
      return problemReply(405, 'use GET /sim/state', { instance, headers: { allow: 'GET' } });
    try {
      return jsonReply(200, simulation.state());
    } catch (error) {
      return failureReply(error, instance, log);
    }
  }
  if (area === 'telemetry' && action === undefined && method === 'GET') {
    // The local host's OpenTelemetry: recent spans (of one trace: /sim/telemetry/{traceId}) and every instrument.
    const telemetry = localTelemetry();
    if (telemetry === undefined)
      return problemReply(404, 'telemetry is not installed in this process', { instance });
    return jsonReply(200, {
      exporters: ['memory', ...telemetry.exporters],
      spans: telemetry.spans(id),
      metrics: await telemetry.metrics(),
    });
  }
  if (area === 'chaos' && id === undefined && method === 'GET') {
    try {
      return jsonReply(200, { kinds: CHAOS_KINDS, active: simulation.state().chaos });
    } catch (error) {
      return failureReply(error, instance, log);
    }
  }
  if (extra !== undefined || id === undefined || id.length === 0) return notFound();
  if (method !== 'POST') {
    return problemReply(405, `simulation controls take POST, not ${method}`, {
      instance,
      headers: { allow: 'POST' },
    });
  }
  const parsed = parseBody(request.body);
  if ('problem' in parsed) return problemReply(400, parsed.problem, { instance });

  try {
    if (area === 'clock' && id === 'advance' && action === undefined) {
      const minutes = numberField(parsed.value, 'minutes');
      if (minutes === undefined || minutes <= 0 || minutes > MAX_ADVANCE_MINUTES) {
        return problemReply(400, `body must be {"minutes": n} with 0 < n <= ${MAX_ADVANCE_MINUTES}`, {
          instance,
        });
      }
      const advance = simulation.advanceClock?.bind(simulation) ?? clockAdvance;
      if (advance === undefined) {
        return problemReply(400, 'this host runs on a clock that cannot be advanced (the system clock)', {
          instance,
        });
      }
      // The clock holds at each due timer until its work is done, so it reads the new time only
      // later: the answer names the time it is moving to.
      const to = new Date(now().getTime() + minutes * 60_000);
      await advance(minutes * 60_000);
      return jsonReply(200, { advancedMinutes: minutes, now: to.toISOString() });
    }
    if (area === 'chaos') return chaosReply(simulation, id, action, parsed.value, instance, log);
    if (area === 'stamps' && !simulation.hasStamp(id)) {
      return problemReply(404, `the simulation has no stamp '${id}'; see GET /sim/state`, { instance });
    }
    if (area === 'stamps' && (action === 'fail' || action === 'recover')) {
      if (action === 'fail') simulation.failStamp(id);
      else simulation.recoverStamp(id);
      log('info', `sim: stamp ${id} ${action === 'fail' ? 'failing' : 'recovered'}`);
      return jsonReply(200, { stampId: id, failing: action === 'fail' });
    }
    if (area === 'regions' && (action === 'fail' || action === 'recover')) {
      if (action === 'fail') simulation.failRegion(id);
      else simulation.recoverRegion(id);
      log('info', `sim: region ${id} ${action === 'fail' ? 'down' : 'recovered'}`);
      return jsonReply(200, { region: id, failed: action === 'fail' });
    }
    if (area === 'regions' && action === 'load') {
      const utilization = numberField(parsed.value, 'utilization');
      if (utilization === undefined || utilization < 0 || utilization > 100) {
        return problemReply(400, 'body must be {"utilization": n} with 0 <= n <= 100', { instance });
      }
      simulation.setLoad(id, utilization);
      log('info', `sim: region ${id} load ${utilization}%`);
      return jsonReply(200, { region: id, utilization });
    }
  } catch (error) {
    // A region named in the path that the simulation does not have is not there: 404, as the API's.
    if (area === 'regions' && error instanceof ValidationError && error.field === 'region')
      return problemReply(404, error.message, { instance });
    return failureReply(error, instance, log);
  }
  return notFound();
}

const chaosBody = z.strictObject({
  region: z.string().min(1).max(64).optional(),
  stampId: z.string().min(1).max(64).optional(),
  minutes: z.number().int().min(1).max(MAX_FAULT_MINUTES).optional(),
  delayMinutes: z.number().int().min(1).max(MAX_FAULT_MINUTES).optional(),
  code: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'an ARM error code such as QuotaExceeded')
    .optional(),
});

/**
 * `/sim/chaos/{kind}` injects a fault, `/sim/chaos/{id}/clear` ends one, `/sim/chaos/clear` ends
 * them all; `GET /sim/state` lists those active (`chaos`).
 */
function chaosReply(
  simulation: HostSimulation,
  id: string,
  action: string | undefined,
  body: unknown,
  instance: string,
  log: HostLog,
): HostReply {
  if (id === 'clear' && action === undefined) {
    const cleared = simulation.clearAllFaults();
    log('info', `sim: chaos cleared (${cleared} fault(s))`);
    return jsonReply(200, { cleared });
  }
  if (action === 'clear') {
    if (!simulation.clearFault(id))
      return problemReply(404, `no chaos fault '${id}' is active; see chaos in GET /sim/state`, { instance });
    log('info', `sim: chaos ${id} cleared`);
    return jsonReply(200, { cleared: id });
  }
  if (action !== undefined || !isChaosKind(id)) {
    return problemReply(
      404,
      `no chaos route ${instance}; inject with POST /sim/chaos/{kind} (${CHAOS_KIND_NAMES.join(', ')}), end with POST /sim/chaos/{id}/clear`,
      { instance },
    );
  }
  const parsed = chaosBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.map(String).join('.');
    return problemReply(400, `invalid ${id} request: '${where}': ${issue?.message ?? 'invalid'}`, {
      instance,
    });
  }
  const fault = simulation.injectFault({ kind: id, ...parsed.data });
  log(
    'warn',
    `sim: chaos ${fault.id} injected: ${fault.summary}${fault.until === undefined ? '' : ` until ${fault.until}`}`,
  );
  return jsonReply(201, fault);
}

import { z } from 'zod';

import { NotFoundError, ValidationError } from '../../errors';
import { effectSchema } from '../../lifecycle/effectSchema';
import { stampEventSchema } from '../../lifecycle/eventSchema';
import { initialOriginWeight } from '../../lifecycle/ramp';
import { STAMP_EVENT_TYPES, type StampCloudEvent, stampCloudEvent } from '../../ports/eventPublisher';
import type { QuarantineCheckRun } from '../../ports/stampOperations';
import { inSpan } from '../../telemetry/spans';
import { contextOf, traceOfInput, traceRefSchema } from '../../telemetry/traceContext';
import { applyEvents } from '../applyEvents';
import { archiveStamp } from '../archive/archiveStamp';
import { compareCanary } from '../canaryComparison';
import type { Services } from '../services';
import type { ActivityName } from './names';

/**
 * Every activity of the stamp orchestration: its name, the schema of its input and a body of a
 * few lines that calls a port. The function app registers this table; the orchestrator calls
 * the names. Inputs are parsed at the edge (they crossed a process boundary).
 */
const stampId = z.string().min(1);
const name = z.string().min(1);

function activity<S extends z.ZodType, R>(input: S, run: (svc: Services, input: z.infer<S>) => Promise<R>) {
  return { input, run };
}

export const ACTIVITIES = {
  applyStampEvents: activity(
    z.object({
      stampId,
      key: z.string().min(1),
      event: stampEventSchema.optional(),
      trace: traceRefSchema.optional(),
    }),
    (svc, input) => applyEvents(svc, input),
  ),
  startDeployment: activity(
    z.object({ stampId, region: name, deploymentName: name, generation: z.number().int().min(1) }),
    async (svc, input) => svc.deployer.startDeployment(input),
  ),
  getDeployment: activity(z.object({ deploymentName: name }), (svc, input) =>
    svc.deployer.getDeployment(input.deploymentName),
  ),
  registerOrigin: activity(z.object({ stampId, hostName: name }), async (svc, input) => {
    const stamp = (await svc.store.get(input.stampId))?.stamp;
    const region = svc.config.policy.regions.find((r) => r.name === stamp?.region);
    // Front Door priorities are 1-5: the region's priority, so traffic prefers the primary region.
    const priority = Math.min(5, Math.max(1, region?.priority ?? 1));
    // Registered disabled, at the first ramp step's weight: no user reaches the stamp before its
    // own probe passes and the decision enables it (a spare's stays disabled until promoted).
    await svc.traffic.upsertOrigin({
      stampId: input.stampId,
      hostName: input.hostName,
      priority,
      weight: initialOriginWeight(svc.config.policy.ramp),
      enabled: false,
    });
  }),
  setOriginWeight: activity(z.object({ stampId, weight: z.number().int().min(1).max(1000) }), (svc, input) =>
    svc.traffic.setOriginWeight(input.stampId, input.weight),
  ),
  compareCanary: activity(z.object({ stampId }), (svc, input) => compareCanary(svc, input.stampId)),
  setOriginEnabled: activity(z.object({ stampId, enabled: z.boolean() }), async (svc, input) => {
    try {
      await svc.traffic.setOriginEnabled(input.stampId, input.enabled);
    } catch (error) {
      // Disabling an origin that is not there leaves it as wanted: no traffic.
      if (!(error instanceof NotFoundError) || input.enabled) throw error;
    }
  }),
  removeOrigin: activity(z.object({ stampId }), (svc, input) => svc.traffic.removeOrigin(input.stampId)),
  checkOriginHealth: activity(z.object({ hostName: name }), (svc, input) =>
    svc.originHealth.check(input.hostName),
  ),
  scheduleDrainTimer: activity(
    z.object({ stampId, drainId: name, dueAt: z.iso.datetime({ offset: true }) }),
    async (svc, input) => {
      const { sequenceNumber } = await svc.bus.scheduleDrainTimer({ kind: 'drain-timer', ...input });
      return sequenceNumber;
    },
  ),
  cancelDrainTimer: activity(z.object({ sequenceNumber: name }), (svc, input) =>
    svc.bus.cancelScheduled(input.sequenceNumber),
  ),
  inFlightRequests: activity(z.object({ stampId }), (svc, input) =>
    svc.operations.inFlightRequests(input.stampId),
  ),
  preserveDiagnostics: activity(z.object({ stampId }), (svc, input) =>
    svc.operations.preserveDiagnostics(input.stampId),
  ),
  startQuarantineChecks: activity(z.object({ stampId }), async (svc, input) =>
    svc.operations.startQuarantineChecks(await quarantineCheckRun(svc, input.stampId)),
  ),
  getQuarantineChecks: activity(z.object({ stampId, runId: name }), async (svc, input) =>
    svc.operations.getQuarantineChecks({
      ...(await quarantineCheckRun(svc, input.stampId)),
      runId: input.runId,
    }),
  ),
  startWorkloadDeletion: activity(z.object({ stampId }), (svc, input) =>
    svc.operations.startWorkloadDeletion(input.stampId),
  ),
  getWorkloadDeletion: activity(z.object({ stampId }), (svc, input) =>
    svc.operations.getWorkloadDeletion(input.stampId),
  ),
  archiveRecords: activity(z.object({ stampId }), (svc, input) => archiveStamp(svc, input.stampId)),
  releaseArchive: activity(
    z.object({ stampId, retainUntil: z.iso.datetime({ offset: true }) }),
    (svc, input) => svc.archive.release(input.stampId, input.retainUntil),
  ),
  schedulePurge: activity(z.object({ stampId, dueAt: z.iso.datetime({ offset: true }) }), (svc, input) =>
    svc.store.schedulePurge(input.stampId, input.dueAt),
  ),
  unschedulePurge: activity(z.object({ stampId, dueAt: z.iso.datetime({ offset: true }) }), (svc, input) =>
    svc.store.unschedulePurge(input.stampId, input.dueAt),
  ),
  startResourceGroupDeletion: activity(z.object({ resourceGroup: name }), (svc, input) =>
    svc.deployer.startResourceGroupDeletion(input.resourceGroup),
  ),
  getResourceGroupDeletion: activity(z.object({ resourceGroup: name }), (svc, input) =>
    svc.deployer.getResourceGroupDeletion(input.resourceGroup),
  ),
  requestFleetReconciliation: activity(z.object({ requestId: name, reason: z.string() }), (svc, input) =>
    svc.bus.send({
      kind: 'reconcile-fleet',
      requestId: input.requestId,
      requestedAt: svc.clock.now().toISOString(),
      reason: input.reason,
    }),
  ),
  notifyReplacedStamp: activity(z.object({ stampId, replacedStampId: stampId }), (svc, input) =>
    svc.bus.send({
      kind: 'stamp-event',
      stampId: input.replacedStampId,
      event: {
        type: 'ReplacementActive',
        id: `${input.stampId}:replacement-active`,
        replacementId: input.stampId,
      },
    }),
  ),
  publishLifecycleEvent: activity(z.object({ effect: effectSchema, eventId: name }), (svc, input) =>
    svc.events.publish([lifecycleCloudEvent(input.effect, input.eventId, svc.clock.now().toISOString())]),
  ),
  // Exactly the names that are registered without loading this module: none missing, none extra.
} satisfies Record<ActivityName, unknown>;

/** When the stamp left rotation: its drain's start, else its isolation, else its entering quarantine. */
async function quarantineCheckRun(svc: Services, stampId: string): Promise<QuarantineCheckRun> {
  const stamp = (await svc.store.get(stampId))?.stamp;
  if (stamp === undefined) throw new NotFoundError(`there is no stamp '${stampId}'`);
  return { stampId, leftRotationAt: stamp.drain?.startedAt ?? stamp.isolation?.at ?? stamp.phaseSince };
}

export type { ActivityName };
type Activities = typeof ACTIVITIES;
/** What the orchestrator passes to an activity, as its schema accepts it. */
export type ActivityInput<N extends ActivityName> = z.input<Activities[N]['input']>;
/** What an activity returns to the orchestrator (after its trip through the durable history). */
export type ActivityResult<N extends ActivityName> = Awaited<ReturnType<Activities[N]['run']>>;

export function lifecycleCloudEvent(
  effect: z.infer<typeof effectSchema>,
  eventId: string,
  now: string,
): StampCloudEvent {
  if (effect.kind === 'publish-phase-changed') {
    const { kind: _kind, ...data } = effect;
    return stampCloudEvent(STAMP_EVENT_TYPES.PhaseChanged, eventId, effect.stampId, effect.at, data);
  }
  if (effect.kind === 'raise-incident') {
    const { kind: _kind, ...data } = effect;
    return stampCloudEvent(STAMP_EVENT_TYPES.IncidentRaised, eventId, effect.stampId, now, data);
  }
  throw new ValidationError(`effect '${effect.kind}' is not a lifecycle notification`, 'effect');
}

/** Parses an activity's input and runs its body. */
export async function runActivity(
  svc: Services,
  activityName: ActivityName,
  input: unknown,
): Promise<unknown> {
  const definition: { input: z.ZodType; run: (svc: Services, input: never) => Promise<unknown> } =
    ACTIVITIES[activityName];
  const parsed = definition.input.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(
      `activity ${activityName}: invalid input at '${issue?.path.map(String).join('.') ?? ''}': ${issue?.message ?? ''}`,
      'input',
    );
  }
  // applyStampEvents opens its own span once it has read which trace its inbox continues.
  if (activityName === 'applyStampEvents') return definition.run(svc, parsed.data as never);
  const trace = traceOfInput(input);
  return inSpan(
    `activity ${activityName}`,
    { parent: contextOf(trace?.traceparent), attributes: { 'stamps.activity': activityName } },
    () => definition.run(svc, parsed.data as never),
  );
}

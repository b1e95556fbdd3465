import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { parseLifecycleMessage } from '../../shared/app/lifecycleMessage';
import { parseSignalEvent } from '../../shared/app/stampSignalEvent';
import type { StampCloudEvent } from '../../shared/ports/eventPublisher';
import { LIFECYCLE_QUEUE } from '../../shared/ports/lifecycleBus';
import { startE2E } from '../e2e/support/harness';
import { perSuite } from '../support/lifetime';
import { rawRequest } from './support/http';
import { anyString, instant, shapedValue, wrongValue } from './support/input';
import { stateSnapshot } from './support/state';

/**
 * The Event Grid and Service Bus triggers under hostile input, delivered through the local
 * host's transports: the handler never fails (no 5xx to Event Grid, no redelivery or
 * dead-letter on the queue), and input it rejects changes nothing in the store.
 */

const SEED_IDS = ['weu-001', 'weu-002', 'eus-001', 'sea-003'];
const stampId = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SEED_IDS) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{2,8}-\d{3,6}$/) },
);
const text = fc.string({ minLength: 1 });

const signalData = shapedValue(
  {
    type: fc.constantFrom(
      'HealthProbeFailed',
      'HealthProbeRecovered',
      'CapacityHigh',
      'CapacityLow',
      'CapacityResolved',
    ),
    stampId,
    eventId: text,
    alertId: text,
    alertRule: fc.string(),
    observedAt: instant,
    severity: fc.string(),
    metricValue: fc.double({ noNaN: true, noDefaultInfinity: true }),
  },
  ['severity', 'metricValue'],
);
const signalTypes = [
  'Synaxis.Stamp.HealthProbeFailed',
  'Synaxis.Stamp.HealthProbeRecovered',
  'Synaxis.Stamp.CapacityHigh',
  'Synaxis.Stamp.CapacityLow',
  'Synaxis.Stamp.CapacityResolved',
] as const;
/** Usually the CloudEvent type that matches the data, sometimes another or any. */
const cloudType = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom(...signalTypes, 'Synaxis.Stamp.PhaseChanged') },
  { weight: 1, arbitrary: text },
);

const lifecycleBody = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.oneof(
      shapedValue({ kind: fc.constant('drain-timer'), stampId, drainId: text, dueAt: instant }),
      shapedValue(
        {
          kind: fc.constant('command'),
          stampId,
          commandId: text,
          command: fc.constantFrom('drain', 'isolate', 'verify', 'cleanup'),
          actor: text,
          reason: fc.string(),
          override: fc.boolean(),
          drainMinutes: fc.integer({ min: -10, max: 2000 }),
        },
        ['override', 'drainMinutes'],
      ),
      shapedValue({
        kind: fc.constant('reconcile-fleet'),
        requestId: text,
        requestedAt: fc.constantFrom('2026-06-01T00:00:00.000Z', 'yesterday', ''),
        reason: fc.string(),
      }),
      shapedValue({
        kind: fc.constant('stamp-event'),
        stampId,
        event: shapedValue({ type: fc.constantFrom('ReplacementActive', 'HealthProbeFailed'), id: text }),
      }),
    ),
  },
  { weight: 1, arbitrary: wrongValue },
  { weight: 1, arbitrary: anyString },
);

function matchingType(data: unknown): string {
  const signal = typeof data === 'object' && data !== null && 'type' in data ? String(data.type) : '';
  return `Synaxis.Stamp.${signal}`;
}

const e2e = perSuite(
  () => startE2E(),
  (r) => r.stop(),
);

describe('robustness: the Event Grid and Service Bus triggers under hostile input', () => {
  it('onStampSignal: every delivery answered 2xx (no retry, no dead letter); a rejected signal changes nothing', async () => {
    let sent = 0;
    let reachedStamp = 0;
    await fc.assert(
      fc.asyncProperty(
        cloudType,
        fc.string({ minLength: 1, maxLength: 80 }),
        signalData,
        async (type, id, data) => {
          const event = {
            specversion: '1.0',
            id: `fuzz-${sent}-${id}`,
            source: '/fuzz',
            type: type ?? matchingType(data),
            subject: 'stamps/x',
            time: e2e().clock.now().toISOString(),
            datacontenttype: 'application/json',
            data,
          } as unknown as StampCloudEvent;
          sent += 1;
          const before = await stateSnapshot(e2e().plane);
          await e2e().plane.eventGrid.publish([event]);
          await e2e().settle();
          const delivery = e2e()
            .plane.eventGrid.deliveries()
            .find((d) => d.eventId === event.id);
          const shown = JSON.stringify({ event, delivery }).slice(0, 600);
          assert.equal(delivery?.status, 'delivered', shown);
          assert.deepEqual(
            delivery.attempts.map((a) => a.status),
            [200],
            shown,
          );
          const parsed = parseSignalEvent(event);
          const known =
            parsed.ok && (await e2e().plane.services.store.get(parsed.signal.stampId)) !== undefined;
          if (known) reachedStamp += 1;
          else assert.equal(await stateSnapshot(e2e().plane), before, shown);
        },
      ),
      { numRuns: 50, seed: 7201 },
    );
    assert.deepEqual(e2e().plane.eventGrid.deadLetters(), []);
    assert.ok(reachedStamp > 0, 'some valid signals for real stamps were among the inputs');
  });

  it('the Event Grid webhook with any body or header answers 2xx or 4xx', async () => {
    const request = fc.record({
      body: fc.oneof(
        anyString,
        fc.jsonValue().map((v) => JSON.stringify(v)),
        signalData.map((d) =>
          JSON.stringify([
            { specversion: '1.0', id: 'w', source: 's', type: 'Synaxis.Stamp.HealthProbeFailed', data: d },
          ]),
        ),
      ),
      function: fc.constantFrom('onStampSignal', 'nope', '__proto__', ''),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const before = await stateSnapshot(e2e().plane);
        const answer = await rawRequest(
          e2e(),
          'POST',
          `/runtime/webhooks/eventgrid?functionName=${encodeURIComponent(r.function)}`,
          r.body,
          'application/cloudevents-batch+json; charset=utf-8',
        );
        const shown = `${r.function} ${r.body.slice(0, 200)} → ${answer.status} ${answer.body.slice(0, 300)}`;
        assert.ok(answer.status >= 200 && answer.status < 500, shown);
        if (answer.status >= 400) assert.equal(await stateSnapshot(e2e().plane), before, shown);
      }),
      { numRuns: 30, seed: 7202 },
    );
  });

  it('onLifecycleMessage: every message completed on its first delivery, none dead-lettered; a rejected one changes nothing', async () => {
    let sent = 0;
    let valid = 0;
    await fc.assert(
      fc.asyncProperty(
        lifecycleBody,
        fc.constantFrom(...SEED_IDS, 'zz-999', 's'),
        async (body, sessionId) => {
          const before = await stateSnapshot(e2e().plane);
          sent += 1;
          await e2e().plane.bus.sendMessage(LIFECYCLE_QUEUE, { body, sessionId, messageId: `fuzz-${sent}` });
          await e2e().settle();
          const shown = JSON.stringify(body)?.slice(0, 400) ?? String(body);
          // Completed at its first delivery: never abandoned. (A valid message may send others,
          // such as a fleet reconciliation request after a drain; those are not redeliveries.)
          const abandoned = e2e().logs.filter((line) => line.includes(`message fuzz-${sent} abandoned`));
          assert.deepEqual(abandoned, [], `redelivered: ${shown}`);
          assert.deepEqual(e2e().plane.bus.deadLetters(LIFECYCLE_QUEUE), [], shown);
          if (parseLifecycleMessage(body).ok) valid += 1;
          else assert.equal(await stateSnapshot(e2e().plane), before, shown);
        },
      ),
      { numRuns: 60, seed: 7203 },
    );
    assert.ok(valid > 0, 'some valid lifecycle messages were among the inputs');
  });
});

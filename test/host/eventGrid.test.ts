import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { LocalEventGrid } from '../../shared/local/eventgrid/localEventGrid';
import { STAMP_EVENT_TYPES, stampCloudEvent } from '../../shared/ports/eventPublisher';
import { callsOf, probes } from './fixtures/probes';
import { fetchJson, hostSuite, startOrchestration } from './harness';

const WEBHOOK = '/runtime/webhooks/eventgrid?functionName=hostOnSignal';

function signal(id: string, data: unknown = { observedAt: '2025-03-01T12:00:00Z' }) {
  return stampCloudEvent(STAMP_EVENT_TYPES.HealthProbeFailed, id, 'stamp-001', '2025-03-01T12:00:00Z', data);
}

describe('local host: Event Grid webhook and local Event Grid', () => {
  const h = hostSuite();

  it('answers the Event Grid schema validation handshake with 200 and the code', async () => {
    const { status, body } = await fetchJson(`${h().origin}${WEBHOOK}`, {
      method: 'POST',
      headers: { 'aeg-event-type': 'SubscriptionValidation', 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          id: 'v1',
          topic: '/subscriptions/x',
          subject: '',
          eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
          eventTime: '2025-03-01T12:00:00Z',
          data: { validationCode: 'CODE-123', validationUrl: 'https://example.invalid/validate' },
          dataVersion: '2',
          metadataVersion: '1',
        },
      ]),
    });
    assert.equal(status, 200);
    assert.deepEqual(body, { validationResponse: 'CODE-123' });
    assert.equal(callsOf('hostOnSignal').length, 0, 'validation never reaches the function');
  });

  it('answers the CloudEvents OPTIONS handshake with WebHook-Allowed-Origin', async () => {
    const response = await fetch(`${h().origin}${WEBHOOK}`, {
      method: 'OPTIONS',
      headers: { 'WebHook-Request-Origin': 'eventgrid.azure.net' },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('webhook-allowed-origin'), 'eventgrid.azure.net');
    const missing = await fetch(`${h().origin}${WEBHOOK}`, { method: 'OPTIONS' });
    assert.equal(missing.status, 400);
  });

  it('invokes the function once per event of an Event Grid schema array', async () => {
    const events = ['a', 'b'].map((id) => ({
      id,
      topic: '/subscriptions/x/resourceGroups/rg',
      subject: 'stamps/stamp-001',
      eventType: 'Synaxis.Stamp.CapacityHigh',
      eventTime: '2025-03-01T12:00:00Z',
      data: { utilization: 91 },
      dataVersion: '1.0',
      metadataVersion: '1',
    }));
    const response = await fetch(`${h().origin}${WEBHOOK}`, {
      method: 'POST',
      headers: { 'aeg-event-type': 'Notification', 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    assert.equal(response.status, 200);
    const calls = callsOf('hostOnSignal');
    assert.deepEqual(
      calls.map((c) => c.input),
      events,
    );
    const sys = calls[0]?.triggerMetadata?.['sys'] as { methodName: string };
    assert.equal(sys.methodName, 'hostOnSignal');
  });

  it('invokes the function for one CloudEvent and for a CloudEvents batch', async () => {
    const one = await fetch(`${h().origin}${WEBHOOK}`, {
      method: 'POST',
      headers: { 'aeg-event-type': 'Notification', 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(signal('ce-1')),
    });
    assert.equal(one.status, 200);
    const batch = await fetch(`${h().origin}${WEBHOOK}`, {
      method: 'POST',
      headers: { 'aeg-event-type': 'Notification', 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify([signal('ce-2'), signal('ce-3')]),
    });
    assert.equal(batch.status, 200);
    assert.deepEqual(
      callsOf('hostOnSignal').map((c) => (c.input as { id: string }).id),
      ['ce-1', 'ce-2', 'ce-3'],
    );
  });

  it('refuses a missing event type header, bad JSON, bad events and unknown functions', async () => {
    const post = (path: string, headers: Record<string, string>, body: string) =>
      fetchJson(`${h().origin}${path}`, { method: 'POST', headers, body });
    const notification = { 'aeg-event-type': 'Notification' };
    assert.equal((await post(WEBHOOK, {}, JSON.stringify(signal('x')))).status, 400);
    assert.equal((await post(WEBHOOK, notification, '{not json')).status, 400);
    assert.equal((await post(WEBHOOK, notification, JSON.stringify({ specversion: '1.0' }))).status, 400);
    assert.equal((await post(WEBHOOK, notification, '[]')).status, 400);
    const unknown = await post('/runtime/webhooks/eventgrid?functionName=hostGetStamp', notification, '{}');
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal((await post('/runtime/webhooks/eventgrid', notification, '{}')).status, 400);
    assert.equal(callsOf('hostOnSignal').length, 0);
  });

  it('answers 500 when the function throws, so that Event Grid retries', async () => {
    probes.eventGridFailures = 1;
    const response = await fetch(`${h().origin}${WEBHOOK}`, {
      method: 'POST',
      headers: { 'aeg-event-type': 'Notification' },
      body: JSON.stringify(signal('fails')),
    });
    assert.equal(response.status, 500);
  });

  it('delivers a published CloudEvent through the webhook to the trigger, which raises an event', async () => {
    const start = await startOrchestration(h(), { id: 'eg-orch', value: 5 });
    assert.equal(start.status, 202);
    await h().settle();
    await h().eventGrid.publish([signal('pub-1', { raise: { instanceId: 'eg-orch', value: 1 } })]);
    await h().settle();
    const [call] = callsOf('hostOnSignal');
    assert.equal((call?.input as { id: string }).id, 'pub-1');
    assert.equal((call?.input as { specversion: string }).specversion, '1.0');
    const [delivery] = h()
      .eventGrid.deliveries()
      .filter((d) => d.eventId === 'pub-1');
    assert.equal(delivery?.status, 'delivered');
    assert.equal(delivery?.attempts.length, 1);
    const status = await h().runtime.getStatus('eg-orch');
    assert.equal(status?.runtimeStatus, 'Completed');
    assert.equal(status?.output, 11);
  });

  it('retries a failed delivery on the clock, never early, until it succeeds', async () => {
    probes.eventGridFailures = 2;
    await h().eventGrid.publish([signal('retry-1')]);
    await h().settle();
    const record = () =>
      h()
        .eventGrid.deliveries()
        .find((d) => d.eventId === 'retry-1');
    assert.equal(record()?.status, 'retrying');
    assert.equal(record()?.attempts[0]?.status, 500);
    await h().advance(9_999);
    assert.equal(record()?.attempts.length, 1, 'not before 10 s');
    await h().advance(1);
    assert.equal(record()?.attempts.length, 2);
    await h().advance(30_000);
    assert.equal(record()?.status, 'delivered');
    assert.equal(record()?.attempts.length, 3);
    assert.equal(callsOf('hostOnSignal').length, 3, 'at least once: the function ran on every attempt');
  });

  it('dead-letters after the last attempt', async () => {
    probes.eventGridFailures = 1_000;
    await h().eventGrid.publish([signal('dead-1')]);
    await h().settle();
    for (let i = 0; i < 10; i++) await h().advance(60 * 60_000);
    const [dead] = h()
      .eventGrid.deadLetters()
      .filter((d) => d.eventId === 'dead-1');
    assert.equal(dead?.deadLetterReason, 'MaxDeliveryAttemptsExceeded');
    assert.equal(dead?.attempts.length, 8);
  });

  it('refuses an invalid CloudEvent at publish, accepting none of the batch', async () => {
    const before = h().eventGrid.deliveries().length;
    const bad = { ...signal('bad'), source: '' };
    await assert.rejects(h().eventGrid.publish([signal('good'), bad]), { name: 'InvalidEventError' });
    assert.equal(h().eventGrid.deliveries().length, before);
  });
});

describe('local Event Grid: statuses that are never retried', () => {
  const statuses: number[] = [];
  const h = hostSuite({
    eventGrid: { transport: (_url, _init) => Promise.resolve({ status: statuses.shift() ?? 200 }) },
  });

  for (const status of [400, 401, 413]) {
    it(`dead-letters at once on ${status}`, async () => {
      statuses.push(status);
      await h().eventGrid.publish([signal(`nr-${status}`)]);
      await h().settle();
      const [record] = h()
        .eventGrid.deliveries()
        .filter((d) => d.eventId === `nr-${status}`);
      assert.equal(record?.status, 'deadLettered');
      assert.equal(record?.deadLetterReason, 'NonRetriableStatus');
      assert.equal(record?.attempts.length, 1);
    });
  }

  it('sends CloudEvents with aeg-event-type Notification to the function webhook', async () => {
    const seen: { url: string; headers: Record<string, string>; body: string }[] = [];
    const grid = new LocalEventGrid({
      clock: h().clock,
      transport: (url, init) => {
        seen.push({ url, ...init });
        return Promise.resolve({ status: 200 });
      },
    });
    grid.attach({ origin: 'http://127.0.0.1:7071', functionNames: ['onStampSignal'] });
    await grid.publish([signal('hdr')]);
    await grid.idle();
    assert.equal(seen[0]?.url, 'http://127.0.0.1:7071/runtime/webhooks/eventgrid?functionName=onStampSignal');
    assert.equal(seen[0]?.headers['aeg-event-type'], 'Notification');
    assert.match(seen[0]?.headers['content-type'] ?? '', /^application\/cloudevents\+json/);
    assert.deepEqual(JSON.parse(seen[0]?.body ?? ''), signal('hdr'));
  });
});

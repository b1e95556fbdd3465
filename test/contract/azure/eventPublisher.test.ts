import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { SendCloudEventInput } from '@azure/eventgrid';

import { createAzureAdapters, type EventGridClient } from '../../../shared/azure';
import { TerminalError, TransientError, ValidationError } from '../../../shared/errors';
import { STAMP_EVENT_TYPES, stampCloudEvent } from '../../../shared/ports/eventPublisher';
import { armStandInSuite } from './support/armSuite';
import { azureConfig, STATIC_TOKEN, StaticTokenCredential } from './support/fixtures';

const PHASE_CHANGED = stampCloudEvent(
  STAMP_EVENT_TYPES.PhaseChanged,
  'evt-0001',
  'weu-001',
  '2030-01-01T10:00:00.000Z',
  { from: 'registering', to: 'active', cause: 'origin healthy' },
);
const PROBE_FAILED = stampCloudEvent(
  STAMP_EVENT_TYPES.HealthProbeFailed,
  'evt-0002',
  'weu-002',
  '2030-01-01T10:01:00.000Z',
  { alertId: 'a-1', observedAt: '2030-01-01T10:00:30Z' },
);

void describe('EventGridEventPublisher: the CloudEvents handed to @azure/eventgrid', () => {
  void it('maps each StampCloudEvent field for field to the SDK CloudEvent input', async () => {
    const sent: SendCloudEventInput<unknown>[][] = [];
    const client: EventGridClient = {
      send: (events) => {
        sent.push(events);
        return Promise.resolve();
      },
    };
    const publisher = createAzureAdapters(azureConfig(), {
      credential: new StaticTokenCredential(),
      eventGridClient: () => Promise.resolve(client),
    }).eventPublisher;
    await publisher.publish([PHASE_CHANGED, PROBE_FAILED]);
    await publisher.publish([]);
    assert.deepEqual(sent, [
      [
        {
          type: 'Synaxis.Stamp.PhaseChanged',
          source: '/synaxis/stamps',
          id: 'evt-0001',
          subject: 'stamps/weu-001',
          time: new Date('2030-01-01T10:00:00.000Z'),
          data: { from: 'registering', to: 'active', cause: 'origin healthy' },
          datacontenttype: 'application/json',
        },
        {
          type: 'Synaxis.Stamp.HealthProbeFailed',
          source: '/synaxis/stamps',
          id: 'evt-0002',
          subject: 'stamps/weu-002',
          time: new Date('2030-01-01T10:01:00.000Z'),
          data: { alertId: 'a-1', observedAt: '2030-01-01T10:00:30Z' },
          datacontenttype: 'application/json',
        },
      ],
    ]);
  });

  void it('refuses an event whose time is not a date, sending nothing', async () => {
    let sends = 0;
    const publisher = createAzureAdapters(azureConfig(), {
      credential: new StaticTokenCredential(),
      eventGridClient: () =>
        Promise.resolve({
          send: () => {
            sends += 1;
            return Promise.resolve();
          },
        }),
    }).eventPublisher;
    await assert.rejects(publisher.publish([{ ...PHASE_CHANGED, time: 'yesterday' }]), ValidationError);
    assert.equal(sends, 0);
  });
});

void describe('EventGridEventPublisher with the real EventGridPublisherClient over HTTPS', () => {
  let credential: StaticTokenCredential;

  const topic = armStandInSuite(() => {
    credential = new StaticTokenCredential();
  });

  function publisher(maxRetries?: number) {
    return createAzureAdapters(azureConfig(`${topic().endpoint}api/events`), {
      credential,
      eventGrid: {
        agent: topic().agent,
        ...(maxRetries === undefined ? {} : { retryOptions: { maxRetries } }),
      },
    }).eventPublisher;
  }

  void it('POSTs the exact CloudEvents 1.0 batch JSON with a bearer token for Event Grid', async () => {
    await publisher().publish([PHASE_CHANGED, PROBE_FAILED]);
    assert.equal(topic().calls.length, 1);
    const [call] = topic().calls;
    assert.equal(call?.method, 'POST');
    assert.equal(call?.path, '/api/events');
    assert.equal(call?.apiVersion, '2018-01-01');
    assert.equal(call?.authorization, `Bearer ${STATIC_TOKEN}`);
    assert.equal(call?.headers['content-type'], 'application/cloudevents-batch+json; charset=utf-8');
    assert.deepEqual(credential.scopes, ['https://eventgrid.azure.net/.default']);
    assert.deepEqual(call?.body, [
      {
        specversion: '1.0',
        type: 'Synaxis.Stamp.PhaseChanged',
        source: '/synaxis/stamps',
        id: 'evt-0001',
        time: '2030-01-01T10:00:00.000Z',
        subject: 'stamps/weu-001',
        datacontenttype: 'application/json',
        data: { from: 'registering', to: 'active', cause: 'origin healthy' },
      },
      {
        specversion: '1.0',
        type: 'Synaxis.Stamp.HealthProbeFailed',
        source: '/synaxis/stamps',
        id: 'evt-0002',
        time: '2030-01-01T10:01:00.000Z',
        subject: 'stamps/weu-002',
        datacontenttype: 'application/json',
        data: { alertId: 'a-1', observedAt: '2030-01-01T10:00:30Z' },
      },
    ]);
  });

  void it('a 429 is retried; with retries off a 503 is Transient and a 400 Terminal', async () => {
    topic().failNext({
      method: 'POST',
      path: /^\/api\/events$/,
      status: 429,
      headers: { 'retry-after-ms': '20' },
      body: { error: { code: 'TooManyRequests', message: 'slow down' } },
    });
    await publisher().publish([PHASE_CHANGED]);
    assert.equal(topic().calls.length, 2);
    assert.equal(topic().events.length, 1);

    topic().failNext({
      method: 'POST',
      path: /^\/api\/events$/,
      status: 503,
      body: { error: { code: 'ServiceUnavailable', message: 'try later' } },
    });
    await assert.rejects(publisher(0).publish([PHASE_CHANGED]), TransientError);
    topic().failNext({
      method: 'POST',
      path: /^\/api\/events$/,
      status: 400,
      body: { error: { code: 'BadRequest', message: 'The event is not a CloudEvent.' } },
    });
    await assert.rejects(publisher(0).publish([PHASE_CHANGED]), (error: unknown) => {
      assert.ok(error instanceof TerminalError);
      assert.ok(!error.message.includes(STATIC_TOKEN));
      return true;
    });
  });
});

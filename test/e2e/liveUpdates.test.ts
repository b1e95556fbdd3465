import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { type E2E, startE2E } from './support/harness';

let e2e: E2E;
before(async () => {
  e2e = await startE2E();
});
after(async () => {
  await e2e?.stop();
});

/** The fields of the one server-sent event in a body (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
function fieldsOf(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([a-z]+): ?(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) fields[match[1]] = match[2];
  }
  return fields;
}

async function events(
  query: string,
  lastEventId?: string,
): Promise<{ status: number; type: string; fields: Record<string, string>; text: string }> {
  const answer = await e2e.api(
    'GET',
    `/api/events?${query}`,
    undefined,
    lastEventId === undefined ? {} : { 'last-event-id': lastEventId },
  );
  const text = typeof answer.body['text'] === 'string' ? answer.body['text'] : '';
  return { status: answer.status, type: answer.contentType, fields: fieldsOf(text), text };
}

describe('end to end: live updates (GET /api/events)', () => {
  it('answers a fleet event at once to a newcomer, a comment when nothing changed, a new id when the fleet changed', async () => {
    const first = await events('wait=0');
    assert.equal(first.status, 200);
    assert.match(first.type, /^text\/event-stream/);
    assert.equal(first.fields['event'], 'fleet');
    assert.equal(first.fields['retry'], '1000');
    const id = first.fields['id'];
    assert.ok(id !== undefined && id.length > 0);
    assert.equal((JSON.parse(first.fields['data'] ?? '{}') as { signature?: string }).signature, id);

    const quiet = await events('wait=0', id);
    assert.equal(quiet.fields['event'], undefined, quiet.text);
    assert.match(quiet.text, /^retry: 1000\n: no change\n\n$/);

    await e2e.api('POST', '/sim/stamps/weu-002/fail');
    await e2e.advance(3);
    const changed = await events('wait=0', id);
    assert.equal(changed.fields['event'], 'fleet');
    assert.notEqual(changed.fields['id'], id);
    // The query parameter stands in for the header (a client that cannot set it).
    const same = await events(`wait=0&lastEventId=${encodeURIComponent(changed.fields['id'] ?? '')}`);
    assert.equal(same.fields['event'], undefined);
  });

  it('holds the request while nothing changes and answers as soon as something does', async () => {
    const { fields } = await events('wait=0');
    const held = events('wait=20', fields['id']);
    const isolated = await e2e.api('POST', '/api/stamps/sea-002/isolate', { reason: 'live update test' });
    assert.equal(isolated.status, 202, JSON.stringify(isolated.body));
    const answer = await held;
    assert.equal(answer.fields['event'], 'fleet', 'the change ended the wait (else a comment after 20 s)');
  });
});

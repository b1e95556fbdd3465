/**
 * Paging: `GET /api/stamps` and a stamp's history take `limit` and answer a continuation token and
 * the next page's URL, in a stable order (stamps by id, history oldest first), so a script walks a
 * fleet of any size without missing or repeating a stamp.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { perSuite } from '../support/lifetime';
import { type E2E, startE2E } from './support/harness';

async function follow(e2e: E2E, first: string, member: string): Promise<{ items: unknown[]; pages: number }> {
  const items: unknown[] = [];
  let path: string | undefined = first;
  let pages = 0;
  while (path !== undefined) {
    const answer = await e2e.api('GET', path);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    items.push(...(answer.body[member] as unknown[]));
    pages += 1;
    const next = answer.body['next'];
    assert.equal(typeof answer.body['continuation'], next === undefined ? 'undefined' : 'string');
    path = typeof next === 'string' ? next : undefined;
  }
  return { items, pages };
}

const ids = (stamps: unknown[]): string[] => stamps.map((s) => String((s as { id: string }).id));

describe('end to end: paging', () => {
  const e2e = perSuite(
    () => startE2E(),
    (r) => r.stop(),
  );

  it('GET /api/stamps?limit=3 walks the whole fleet in id order, each stamp once', async () => {
    const all = ids((await e2e().api('GET', '/api/stamps')).body['stamps'] as unknown[]);
    assert.equal(all.length, 10);
    const { items, pages } = await follow(e2e(), '/api/stamps?limit=3', 'stamps');
    assert.deepEqual(ids(items), [...all].sort());
    assert.equal(pages, 4);
  });

  it('a filter is kept in the next link, and a token used with another filter is a 400', async () => {
    const { items } = await follow(e2e(), '/api/stamps?region=westeurope&limit=2', 'stamps');
    assert.deepEqual(ids(items), ['weu-001', 'weu-002', 'weu-003', 'weu-004']);
    const first = await e2e().api('GET', '/api/stamps?region=westeurope&limit=2');
    const token = encodeURIComponent(String(first.body['continuation']));
    const other = await e2e().api('GET', `/api/stamps?region=eastus&limit=2&continuation=${token}`);
    assert.equal(other.status, 400);
    assert.match(String(other.body['detail']), /belongs to another listing/);
  });

  for (const [query, detail] of [
    ['limit=0', /'limit'/],
    ['limit=1001', /'limit'/],
    ['limit=two', /'limit'/],
    ['continuation=garbage', /not one this API gave out/],
  ] as const) {
    it(`?${query} is a 400 that says why`, async () => {
      const answer = await e2e().api('GET', `/api/stamps?${query}`);
      assert.equal(answer.status, 400);
      assert.match(answer.contentType, /^application\/problem\+json/);
      assert.match(String(answer.body['detail']), detail);
    });
  }

  it("a stamp's history pages oldest first and adds up to the history of GET /api/stamps/{id}", async () => {
    await e2e().api('POST', '/api/stamps/weu-002/drain', { reason: 'paging test', drainMinutes: 1 });
    await e2e().advance(30);
    const whole = (await e2e().stamp('weu-002'))['history'] as unknown[];
    assert.ok(whole.length >= 4, `history of ${whole.length}`);
    const { items, pages } = await follow(e2e(), '/api/stamps/weu-002/history?limit=2', 'history');
    assert.deepEqual(items, whole);
    assert.equal(pages, Math.ceil(whole.length / 2));
    const unpaged = await e2e().api('GET', '/api/stamps/weu-002/history');
    assert.deepEqual(unpaged.body, { stampId: 'weu-002', history: whole });
  });
});

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import { REGION_REQUESTS_PER_MINUTE } from '../../shared/local/sim/originTraffic';
import { type E2E, startE2E } from './support/harness';

let e2e: E2E | undefined;
afterEach(async () => {
  await e2e?.stop();
  e2e = undefined;
});

type Points = (number | null)[];
interface SeriesView {
  latencyMs: Points;
  errorPercent: Points;
  requestsPerMinute: Points;
  nodePoolUtilization: Points;
  queueDepth: Points;
  requestUnits: Points;
}
interface MetricsAnswer {
  from: string;
  to: string;
  intervalMinutes: number;
  points: number;
  regions: { name: string; stamps: string[]; series: SeriesView }[];
  stamps: { id: string; region: string; phase: string; series: SeriesView }[];
}

function present(points: Points): number[] {
  return points.filter((p): p is number => p !== null);
}

describe('end to end: what an operator sees', () => {
  it('GET /api/incidents lists the blast-radius incident the control plane raised, with its detail', async () => {
    e2e = await startE2E();
    const before = await e2e.api('GET', '/api/incidents');
    assert.equal(before.status, 200, JSON.stringify(before.body));
    assert.deepEqual(before.body['incidents'], []);
    for (const id of ['weu-001', 'weu-002', 'eus-001', 'eus-002', 'sea-001'])
      await e2e.api('POST', `/sim/stamps/${id}/fail`);
    await e2e.advance(3);
    const answer = await e2e.api('GET', '/api/incidents?limit=10');
    const incidents = answer.body['incidents'] as {
      id: string;
      kind: string;
      detail: string;
      raisedAt: string;
    }[];
    const blast = incidents.filter((i) => i.kind === 'blast-radius');
    assert.ok(blast.length >= 1, JSON.stringify(incidents));
    assert.match(blast[0]?.detail ?? '', /above maxUnhealthyPercent 40%/);
    // Each one is the published notification's record: the same id.
    const publishedIds = new Set(e2e.published.map((event) => event.id));
    assert.ok(incidents.every((i) => publishedIds.has(i.id)));
    // Newest first; a narrower window than the incidents' age leaves them out.
    const times = incidents.map((i) => i.raisedAt);
    assert.deepEqual(times, [...times].sort().reverse());
    await e2e.advance(5);
    const later = await e2e.api('GET', '/api/incidents?minutes=1');
    assert.deepEqual(later.body['incidents'], []);
  });

  it('GET /api/metrics: a failing stamp shows its errors and latency rise before it leaves rotation; utilization follows the load', async () => {
    e2e = await startE2E();
    await e2e.advance(5);
    await e2e.api('POST', '/sim/regions/westeurope/load', { utilization: 70 });
    await e2e.api('POST', '/sim/stamps/weu-002/fail');
    await e2e.advance(4);
    const answer = await e2e.api('GET', '/api/metrics?minutes=15');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const metrics = answer.body as unknown as MetricsAnswer;
    assert.equal(metrics.intervalMinutes, 1);
    assert.equal(metrics.points, 15);
    assert.equal(Date.parse(metrics.to) - Date.parse(metrics.from), 15 * 60_000);
    const stamp = (id: string): SeriesView => {
      const found = metrics.stamps.find((s) => s.id === id);
      assert.ok(found !== undefined, `${id} is in the answer`);
      return found.series;
    };
    const failing = stamp('weu-002');
    const healthy = stamp('weu-001');
    assert.ok(Math.max(...present(failing.errorPercent)) >= 50, JSON.stringify(failing.errorPercent));
    assert.ok(Math.max(...present(healthy.errorPercent)) < 1, JSON.stringify(healthy.errorPercent));
    assert.ok(
      Math.max(...present(failing.latencyMs)) > 3 * Math.max(...present(healthy.latencyMs)),
      `${JSON.stringify(failing.latencyMs)} vs ${JSON.stringify(healthy.latencyMs)}`,
    );
    // Out of rotation, it serves nothing at the end of the window.
    assert.equal(failing.requestsPerMinute.at(-1), 0);
    const utilization = present(healthy.nodePoolUtilization);
    assert.equal(utilization[0], 50, 'the load before the change');
    assert.equal(utilization.at(-1), 70, 'and after it');

    const weu = metrics.regions.find((r) => r.name === 'westeurope');
    assert.ok(weu !== undefined);
    assert.ok(weu.stamps.includes('weu-002'));
    // The region's users keep arriving: its requests are the sum over its stamps, at the rate of its load.
    assert.equal(weu.series.requestsPerMinute.at(-1), (REGION_REQUESTS_PER_MINUTE * 70) / 50);
    // Its latency is weighted by requests: the failing stamp, serving nothing, no longer pulls it up.
    assert.equal(weu.series.latencyMs.at(-1), healthy.latencyMs.at(-1));
    const eus = await e2e.api('GET', '/api/metrics?minutes=15&region=eastus');
    const onlyEus = eus.body as unknown as MetricsAnswer;
    assert.deepEqual(
      onlyEus.regions.map((r) => r.name),
      ['eastus'],
    );
    assert.ok(onlyEus.stamps.every((s) => s.region === 'eastus'));
  });

  it('answers a window longer than an hour at five-minute grain, null before the simulation began', async () => {
    e2e = await startE2E();
    await e2e.advance(10);
    const metrics = (await e2e.api('GET', '/api/metrics?minutes=360')).body as unknown as MetricsAnswer;
    assert.equal(metrics.intervalMinutes, 5);
    assert.equal(metrics.points, 72);
    const series = metrics.stamps.find((s) => s.id === 'weu-001')?.series;
    assert.equal(series?.requestsPerMinute[0], null);
    assert.ok(present(series?.requestsPerMinute ?? []).length >= 1);
  });
});

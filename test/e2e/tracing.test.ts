import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';

import type { MetricRecord, SpanRecord } from '../../shared/telemetry/localTelemetry';
import { type E2E, startE2E } from './support/harness';

let e2e: E2E | undefined;
afterEach(async () => {
  await e2e?.stop();
  e2e = undefined;
});

interface Telemetry {
  exporters: string[];
  spans: SpanRecord[];
  metrics: MetricRecord[];
}

/** The span and its ancestors, nearest first, within the spans of its trace. */
function ancestry(span: SpanRecord, spans: readonly SpanRecord[]): SpanRecord[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const chain = [span];
  for (let parent = span.parentSpanId; parent !== undefined;) {
    const next = byId.get(parent);
    assert.ok(next !== undefined, `span ${parent}, the parent of ${chain.at(-1)?.name}, is in the trace`);
    chain.push(next);
    parent = next.parentSpanId;
  }
  return chain;
}

function total(metrics: readonly MetricRecord[], name: string, match: Record<string, unknown> = {}): number {
  const metric = metrics.find((m) => m.name === name);
  return (metric?.points ?? [])
    .filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v))
    .reduce((sum, p) => {
      const value = p.value as number | { count: number };
      return sum + (typeof value === 'number' ? value : value.count);
    }, 0);
}

describe('end to end: OpenTelemetry', () => {
  it('one trace runs from the alert receiver through Event Grid, the inbox, the orchestration and its activities to the Front Door call that isolates the stamp', async () => {
    e2e = await startE2E();
    await e2e.api('POST', '/sim/stamps/weu-002/fail');
    // Past the correlation window: the isolation is decided by a timer, not by the alert itself.
    await e2e.advance(3);
    assert.equal((await e2e.stamp('weu-002'))['traffic'], 'isolated');
    const all = (await e2e.api('GET', '/sim/telemetry')).body as unknown as Telemetry;
    assert.ok(all.exporters.includes('memory'));
    const disable = all.spans.find(
      (s) =>
        s.name === 'TrafficManager.setOriginEnabled' &&
        all.spans.some((p) => p.spanId === s.parentSpanId && p.name === 'activity setOriginEnabled'),
    );
    assert.ok(
      disable !== undefined,
      `a Front Door call in a span: ${[...new Set(all.spans.map((s) => s.name))].join(', ')}`,
    );
    assert.equal(disable.kind, 'CLIENT');
    const trace = (await e2e.api('GET', `/sim/telemetry/${disable.traceId}`)).body as unknown as Telemetry;
    assert.ok(trace.spans.every((s) => s.traceId === disable.traceId));
    const chain = ancestry(disable, trace.spans);
    const names = chain.map((s) => s.name);
    assert.deepEqual(names.slice(0, 2), ['TrafficManager.setOriginEnabled', 'activity setOriginEnabled']);
    const root = chain.at(-1);
    assert.equal(root?.name, 'POST alerts', names.join(' ← '));
    assert.equal(root?.kind, 'SERVER');
    assert.equal(root?.parentSpanId, undefined, 'the alert starts the trace');
    for (const hop of ['EventPublisher.publish', 'process stamp signal', 'activity applyStampEvents'])
      assert.ok(names.includes(hop), `${hop} in ${names.join(' ← ')}`);
    assert.equal(chain.find((s) => s.name === 'EventPublisher.publish')?.kind, 'PRODUCER');
    assert.equal(chain.find((s) => s.name === 'process stamp signal')?.kind, 'CONSUMER');
    // The decision that isolated it ran on the correlation timer, after the decision that held it:
    // two applyStampEvents in the trace, the later one the parent of the isolation.
    const decisions = trace.spans.filter((s) => s.name === 'activity applyStampEvents');
    assert.ok(decisions.length >= 2, `${decisions.length} decisions in the trace`);

    const metrics = (await e2e.api('GET', '/sim/telemetry')).body as unknown as Telemetry;
    assert.ok(total(metrics.metrics, 'stamps.signals', { via: 'alert-receiver', outcome: 'published' }) >= 1);
    assert.ok(total(metrics.metrics, 'stamps.signals', { via: 'event-grid', outcome: 'queued' }) >= 1);
    assert.ok(
      total(metrics.metrics, 'stamps.decisions', { event: 'IsolationDecisionDue', outcome: 'transition' }) >=
        1,
    );
    assert.ok(total(metrics.metrics, 'stamps.alert_to_isolation.duration', { by: 'alert' }) >= 1);
    assert.ok(
      total(metrics.metrics, 'stamps.reconciler.actions', { action: 'place' }) >= 1,
      'the replacement placed',
    );
  });

  it('counts a guard refusal by guard, and an operator request starts a trace of its own down to the Front Door call', async () => {
    e2e = await startE2E();
    const telemetry = async (): Promise<Telemetry> =>
      (await e2e!.api('GET', '/sim/telemetry')).body as unknown as Telemetry;
    const refusedBefore = total((await telemetry()).metrics, 'stamps.guard.refusals', {
      guard: 'blast-radius',
    });
    for (const id of ['weu-001', 'weu-002', 'eus-001', 'eus-002', 'sea-001'])
      await e2e.api('POST', `/sim/stamps/${id}/fail`);
    await e2e.advance(3);
    const held = await telemetry();
    // The process's instruments outlive a control plane: the difference is this test's.
    assert.equal(
      total(held.metrics, 'stamps.guard.refusals', { guard: 'blast-radius' }) - refusedBefore,
      5,
      'one per failing stamp',
    );

    const answer = await e2e.api('POST', '/api/stamps/sea-002/isolate', { reason: 'operator says so' });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    await e2e.settle();
    const after = await telemetry();
    const request = after.spans
      .filter((s) => s.name.startsWith('POST ') && s.attributes['url.path'] === '/api/stamps/sea-002/isolate')
      .at(-1);
    assert.ok(request !== undefined, 'the request is a span');
    assert.equal(request.parentSpanId, undefined);
    const inTrace = after.spans.filter((s) => s.traceId === request.traceId).map((s) => s.name);
    assert.ok(inTrace.includes('TrafficManager.setOriginEnabled'), inTrace.join(', '));
    assert.ok(!inTrace.includes('POST alerts'), 'no alert in the operator trace');
  });
});

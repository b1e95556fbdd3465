import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseJson, planeForCli, start } from './support';

const plane = planeForCli();

describe('stampctl watch', () => {
  it('prints a transition as it happens and stops cleanly on SIGINT', async () => {
    const child = start([
      'watch',
      '--json',
      '--interval',
      '200',
      '--timeout',
      '30',
      '--url',
      plane.e2e().plane.origin,
    ]);
    const lines: Record<string, unknown>[] = [];
    let buffer = '';
    const isolatedAndReplaced = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        const parts = buffer.split('\n');
        buffer = parts.pop() ?? '';
        lines.push(...parts.filter((p) => p.trim() !== '').map(parseJson));
        const isolation = lines.some(
          (t) =>
            t['stampId'] === 'weu-002' && (t['traffic'] as { to?: string } | undefined)?.to === 'isolated',
        );
        const replacement = lines.some((t) => t['stampId'] === 'weu-005' && t['from'] === null);
        if (isolation && replacement) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // The backlog (the seed's 10 imports) comes first; then break a stamp.
    // Bounded: a watcher that died (or never printed) fails here instead of hanging the suite.
    for (let waited = 0; lines.length < 10 && child.exitCode === null && waited < 30_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(lines.length >= 10, `the backlog of 10 imports was printed (got ${lines.length})`);
    assert.equal((await plane.e2e().api('POST', '/sim/stamps/weu-002/fail')).status, 200);
    await plane.e2e().advance(3);
    await isolatedAndReplaced;
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    const live = lines.slice(10).map((t) => `${String(t['stampId'])} ${String(t['to'])}`);
    assert.ok(live.includes('weu-002 active') && live.includes('weu-005 provisioning'), live.join('; '));
  });
});

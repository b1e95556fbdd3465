import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { LocalServiceBus } from '../../shared/local/bus/localServiceBus';
import { LocalHost } from '../../shared/local/host/localHost';
import { STAMP_EVENT_TYPES, stampCloudEvent } from '../../shared/ports/eventPublisher';
import { probes } from './fixtures/probes';
import { type HostHarness, START, startHost } from './harness';

describe('local host: start and stop', () => {
  it('closes the server, timers, queue consumers, scheduled messages and retries', async () => {
    const h: HostHarness = await startHost();
    // Something of everything waiting on the clock, and a kept-alive connection.
    await h.bus.scheduleDrainTimer({
      kind: 'drain-timer',
      stampId: 'stamp-stop',
      drainId: 'd',
      dueAt: new Date(START.getTime() + 60 * 60_000).toISOString(),
    });
    probes.eventGridFailures = 1;
    await h.eventGrid.publish([
      stampCloudEvent(STAMP_EVENT_TYPES.CapacityLow, 'stop-1', 'stamp-stop', START.toISOString(), {}),
    ]);
    await h.settle();
    assert.equal((await fetch(`${h.origin}/api/stamps`)).status, 200);
    assert.ok(h.clock.pendingCount() >= 3, 'timer, scheduled message and retry are armed');

    await h.host.stop();
    assert.equal(h.clock.pendingCount(), 0, 'nothing of the host waits on the clock');
    await assert.rejects(fetch(`${h.origin}/api/stamps`), 'the port is closed');
    await h.runtime.stop();
  });

  it('refuses to start twice and stops idempotently', async () => {
    const h = await startHost();
    await assert.rejects(h.host.start(), /already started/);
    await h.stop();
    await h.host.stop();
  });

  it('leaves the bus open for a restart when told not to close transports', async () => {
    const first = await startHost();
    await first.host.stop();
    // The harness closes transports by default; a host built with closeTransports: false does not.
    const bus = new LocalServiceBus({ clock: first.clock });
    const host = new LocalHost({
      registry: first.registry,
      runtime: first.runtime,
      clock: first.clock,
      bus,
      port: 0,
      closeTransports: false,
    });
    await host.start();
    await host.stop();
    await bus.sendMessage('plain-queue', { body: { tag: 'after-restart' } });
    const again = new LocalHost({
      registry: first.registry,
      runtime: first.runtime,
      clock: first.clock,
      bus,
      port: 0,
    });
    await again.start();
    await again.idle();
    assert.ok(probes.calls.some((c) => (c.input as { tag?: string }).tag === 'after-restart'));
    await again.stop();
    await first.runtime.stop();
  });

  it('starts again after stop: routes served and timers armed anew', async () => {
    const h = await startHost();
    await h.host.stop();
    const host = new LocalHost({ registry: h.registry, runtime: h.runtime, clock: h.clock, port: 0 });
    await host.start();
    await host.stop();
    const origin = await host.start();
    assert.equal((await fetch(`${origin}/api/stamps`)).status, 200);
    probes.calls.length = 0;
    await h.clock.advance(5 * 60_000);
    await host.idle();
    assert.equal(probes.calls.filter((c) => c.fn === 'hostSweep').length, 1);
    await host.stop();
    await h.runtime.stop();
  });
});

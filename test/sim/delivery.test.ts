import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { MetricAlertPayload } from '../../shared/local/sim';
import { harness, MINUTE, SECOND, signalOf, sinceT0 } from './support';

describe('alert delivery to onAlert', () => {
  it('retries a rejected (or throwing) delivery at the next evaluation, in order, without duplicates or a crash', async () => {
    const received: MetricAlertPayload[] = [];
    let attempts = 0;
    const { clock, sim } = harness({
      onAlert: (payload) => {
        attempts += 1;
        if (attempts === 1) return Promise.reject(new Error('503 from the receiver'));
        if (attempts === 2) throw new Error('receiver threw synchronously');
        received.push(payload as MetricAlertPayload);
        return Promise.resolve();
      },
    });
    sim.seedActiveStamp({ stampId: 'weu-001', region: 'westeurope' });
    sim.seedActiveStamp({ stampId: 'weu-002', region: 'westeurope' });
    sim.failStamp('weu-001');
    sim.failStamp('weu-002');
    await clock.advance(2 * MINUTE); // both fire at 02:00; the first attempt is rejected
    assert.deepEqual(sim.state().alertDelivery, {
      pending: 2,
      delivering: false,
      waitingForRetry: true,
      delivered: 0,
      failedDeliveries: 1,
      lastDeliveryError: '503 from the receiver',
      delayed: 0,
    });
    await clock.advance(MINUTE); // 03:00: the retry throws
    assert.equal(sim.state().alertDelivery.failedDeliveries, 2);
    assert.equal(received.length, 0);
    await clock.advance(MINUTE); // 04:00: delivered, oldest first
    assert.deepEqual(
      received.map(
        (payload) => `${signalOf(payload)} fired ${sinceT0(payload.data.essentials.firedDateTime)}`,
      ),
      ['HealthProbeFailed weu-001 fired 02:00', 'HealthProbeFailed weu-002 fired 02:00'],
    );
    assert.equal(sim.state().alertDelivery.pending, 0);
    assert.equal(sim.state().alertDelivery.delivered, 2);
    await clock.advance(5 * MINUTE);
    assert.equal(received.length, 2);
    await sim.stop();
  });

  it('evaluate() runs one evaluation now, outside the schedule, and delivers it', async () => {
    const { clock, sim, alerts } = harness();
    sim.seedActiveStamp({ stampId: 'eus-001', region: 'eastus' });
    sim.failStamp('eus-001');
    await clock.advance(90 * SECOND);
    assert.equal(alerts.length, 0);
    await sim.evaluate();
    assert.deepEqual(
      alerts.map((payload) => `${signalOf(payload)} ${sinceT0(payload.data.essentials.firedDateTime)}`),
      ['HealthProbeFailed eus-001 01:30'],
    );
    await clock.advance(30 * SECOND); // the scheduled 02:00 evaluation finds it already fired
    assert.equal(alerts.length, 1);
    await sim.stop();
  });
});

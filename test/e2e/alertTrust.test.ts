import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { REJECTION_BURST } from '../../shared/app/alertIntake';
import { LOCAL_ACTION_GROUP } from '../../shared/local/host/localIdentity';
import { STAMP_EVENT_TYPES } from '../../shared/ports/eventPublisher';
import { type E2E, MINUTE, startE2E, T0 } from './support/harness';

/**
 * Issue 12, end to end on the local host: the alerts a new user sent that were dropped or
 * mishandled, each now taken, and what was not accepted is visible.
 */

let e2e: E2E;
before(async () => {
  e2e = await startE2E({ env: { STAMPS_ALERT_CORRELATION_SECONDS: '0' } });
});
after(async () => {
  await e2e.stop();
});

let seq = 0;
function alertBody(options: {
  stampId: string;
  condition: 'Fired' | 'Resolved';
  firedAt: string;
  resolvedAt?: string | null;
  alertId?: string;
  rule?: string;
}): Record<string, unknown> {
  seq += 1;
  return {
    schemaId: 'azureMonitorCommonAlertSchema',
    data: {
      essentials: {
        alertId:
          options.alertId ?? `/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/trust-${seq}`,
        alertRule: options.rule ?? 'origin-health',
        severity: 'Sev1',
        monitorCondition: options.condition,
        firedDateTime: options.firedAt,
        resolvedDateTime: options.resolvedAt === undefined ? null : options.resolvedAt,
      },
      alertContext: {
        properties: null,
        condition: {
          allOf: [
            {
              metricName: 'OriginHealthPercentage',
              dimensions: [{ name: 'Origin', value: options.stampId }],
            },
          ],
        },
      },
      customProperties: null,
    },
  };
}

const nowIso = (): string => e2e.clock.now().toISOString();

/** POSTs an Azure Monitor alert to the receiver, as an action group would. */
const postAlert = (alert: Parameters<typeof alertBody>[0]): ReturnType<E2E['api']> =>
  e2e.alert(alertBody(alert));

describe('e2e: alerts you can trust', () => {
  it('a Fired alert with resolvedDateTime null isolates its stamp', async () => {
    e2e.plane.sim.failStamp('weu-001');
    const answer = await postAlert({ stampId: 'weu-001', condition: 'Fired', firedAt: nowIso() });
    assert.equal(answer.status, 202);
    assert.equal(answer.body['status'], 'published', JSON.stringify(answer.body));
    await e2e.advance(1);
    const stamp = await e2e.stamp('weu-001');
    assert.equal(stamp['traffic'], 'isolated');
  });

  it('a Resolved alert dated in year 9999 does not keep a later real failure from isolating', async () => {
    const crafted = await postAlert({
      stampId: 'eus-001',
      condition: 'Resolved',
      firedAt: '9999-12-31T00:00:00Z',
      resolvedAt: '9999-12-31T23:59:59Z',
    });
    assert.equal(crafted.body['status'], 'published');
    await e2e.advance(2);
    e2e.plane.sim.failStamp('eus-001');
    const real = await postAlert({ stampId: 'eus-001', condition: 'Fired', firedAt: nowIso() });
    assert.equal(real.body['status'], 'published');
    await e2e.advance(1);
    assert.equal((await e2e.stamp('eus-001'))['traffic'], 'isolated');
  });

  it('the same alert sent again is a duplicate at the receiver, and counted', async () => {
    const body = alertBody({
      stampId: 'sea-001',
      condition: 'Resolved',
      firedAt: new Date(T0.getTime() - 30 * MINUTE).toISOString(),
      resolvedAt: nowIso(),
    });
    assert.equal((await e2e.alert(body)).body['status'], 'published');
    const again = await e2e.alert(body);
    assert.equal(again.status, 202);
    assert.equal(again.body['status'], 'duplicate');
    const signals = await e2e.api('GET', '/api/signals');
    const duplicates = signals.body['duplicates'] as { count: number };
    assert.ok(duplicates.count >= 1, JSON.stringify(signals.body));
  });

  it('a body nested 5,000 levels deep is 202 rejected, recorded, never 5xx', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const response = await fetch(`${e2e.plane.origin}/api/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...e2e.as(LOCAL_ACTION_GROUP.name) },
      body: `{"data":${deep}}`,
    });
    const answer = (await response.json()) as { status: string; detail: string };
    await e2e.settle();
    assert.equal(response.status, 202);
    assert.equal(answer.status, 'rejected');
    assert.match(answer.detail, /nests 5001 levels deep; the limit is 32/);
    const rejected = await e2e.api('GET', '/api/signals?outcome=rejected');
    const recent = rejected.body['recent'] as { reason: string }[];
    assert.ok(
      recent.some((r) => /nests 5001 levels/.test(r.reason)),
      JSON.stringify(recent),
    );
  });

  it('a newline in alertRule cannot forge a host log line', async () => {
    const before = e2e.logs.length;
    await postAlert({
      stampId: 'zz-999',
      condition: 'Fired',
      firedAt: nowIso(),
      rule: 'rule\n2026-06-01T00:00:00.000Z error FORGED',
    });
    const lines = e2e.logs.slice(before);
    assert.ok(
      lines.some((l) => l.includes('rule\\n2026-06-01')),
      lines.join('\n'),
    );
    assert.ok(
      lines.every((l) => !l.includes('\n')),
      'every log entry is one line',
    );
  });

  it('an alert naming an unknown stamp is unmatched and shown with its reason', async () => {
    const answer = await postAlert({ stampId: 'weu-999', condition: 'Fired', firedAt: nowIso() });
    assert.equal(answer.body['status'], 'unmatched');
    assert.match(
      String(answer.body['detail']),
      /names stamp weu-999, which this control plane does not have/,
    );
    const view = await e2e.api('GET', '/api/signals');
    const counts = view.body['counts'] as Record<string, number>;
    assert.ok((counts['unmatched'] ?? 0) >= 1);
    assert.ok((counts['rejected'] ?? 0) >= 1);
    assert.ok((counts['accepted'] ?? 0) >= 3);
  });

  it('an alert dated before the 24 h alert memory is unmatched with the reason, not published and ignored', async () => {
    const answer = await postAlert({
      stampId: 'weu-004',
      condition: 'Fired',
      firedAt: new Date(e2e.clock.now().getTime() - 25 * 60 * MINUTE).toISOString(),
    });
    assert.equal(answer.body['status'], 'unmatched', JSON.stringify(answer.body));
    assert.match(String(answer.body['detail']), /older than the 24 h alert memory/);
  });

  it('another schemaId is rejected with what to do', async () => {
    const body = alertBody({ stampId: 'weu-004', condition: 'Fired', firedAt: nowIso() });
    const answer = await e2e.alert({
      ...body,
      schemaId: 'Microsoft.Insights/activityLogs',
    });
    assert.equal(answer.body['status'], 'rejected');
    assert.match(String(answer.body['detail']), /turn on the common alert schema/);
  });

  it('a copy naming an unknown stamp cannot pre-empt the genuine alert of the same id', async () => {
    const alertId = '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/pre-empted';
    const copy = await postAlert({ alertId, stampId: 'weu-998', condition: 'Fired', firedAt: nowIso() });
    assert.equal(copy.body['status'], 'unmatched');
    const genuine = await postAlert({ alertId, stampId: 'eus-002', condition: 'Fired', firedAt: nowIso() });
    assert.equal(genuine.body['status'], 'published', JSON.stringify(genuine.body));
    const again = await postAlert({ alertId, stampId: 'eus-002', condition: 'Fired', firedAt: nowIso() });
    assert.equal(again.body['status'], 'duplicate');
  });

  it('a burst of rejected alerts raises one incident', async () => {
    assert.deepEqual(REJECTION_BURST, { count: 20, windowMinutes: 5 }, 'the burst the README promises');
    await e2e.advance(REJECTION_BURST.windowMinutes * 2);
    const incidents = (): number =>
      e2e.published.filter((e) => e.type === STAMP_EVENT_TYPES.IncidentRaised && e.subject === 'signals')
        .length;
    const before = incidents();
    for (let i = 0; i < REJECTION_BURST.count + 5; i += 1) {
      const answer = await e2e.alert({
        schemaId: 'azureMonitorCommonAlertSchema',
        data: { n: i },
      });
      assert.equal(answer.body['status'], 'rejected');
    }
    assert.equal(incidents(), before + 1, 'one incident for the burst, not one per alert');
    const view = await e2e.api('GET', '/api/signals');
    const burst = view.body['burst'] as { incident: boolean; notAccepted: number };
    assert.equal(burst.incident, true);
    assert.ok(burst.notAccepted >= REJECTION_BURST.count);
  });

  it('GET /api/signals takes the function key as ?code=, and refuses a bad window with 400 problem+json', async () => {
    assert.equal((await e2e.api('GET', '/api/signals?code=abc&minutes=5')).status, 200);
    const answer = await e2e.api('GET', '/api/signals?minutes=0');
    assert.equal(answer.status, 400);
    assert.match(answer.contentType, /problem\+json/);
  });
});

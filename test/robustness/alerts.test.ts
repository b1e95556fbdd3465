import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { MAX_JSON_DEPTH } from '../../shared/http/body';
import { classifyAlert } from '../../shared/lifecycle/alerts/classifyAlert';
import { jsonDepth } from '../../shared/text/jsonDepth';
import { startE2E } from '../e2e/support/harness';
import { perSuite } from '../support/lifetime';
import { rawRequest } from './support/http';
import { anyString, bodyText, controlText, deepJson, instant, shapedText } from './support/input';
import { stateSnapshot } from './support/state';

/**
 * The Azure Monitor receiver under hostile input: it answers 202 (or 413 for a body over
 * 256 KiB), never 5xx, an alert it cannot use (rejected, unmatched, or naming a stamp that does
 * not exist) changes nothing in the store, and whatever the body holds (deep nesting, control
 * characters) every host log entry stays one line.
 */

const SEED_IDS = ['weu-001', 'weu-003', 'eus-002', 'sea-001'];
const stampRef = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SEED_IDS) },
  { weight: 1, arbitrary: fc.constantFrom('zz-999', 'WEU-002 ', 'abc-123456') },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{2,8}-\d{3,6}$/) },
);

const essentials = shapedText(
  {
    alertId: fc.oneof(fc.string({ minLength: 1 }), controlText),
    alertRule: fc.oneof(fc.string(), controlText),
    severity: fc.constantFrom('Sev0', 'Sev3'),
    monitorCondition: fc.constantFrom('Fired', 'Resolved'),
    firedDateTime: instant,
    resolvedDateTime: instant,
    alertTargetIDs: fc.array(
      fc.oneof(
        stampRef.map((id) => `/subscriptions/s/resourceGroups/rg-synaxis-stamp-${id}`),
        anyString,
      ),
      { maxLength: 2 },
    ),
  },
  ['severity', 'resolvedDateTime', 'alertTargetIDs'],
);
const condition = shapedText(
  {
    metricName: fc.constantFrom('OriginHealthPercentage', 'node_cpu_usage_percentage'),
    operator: fc.constantFrom('LessThan', 'GreaterThan'),
    metricValue: fc.double(),
    dimensions: fc.array(fc.record({ name: fc.constantFrom('Origin', 'origin', 'x'), value: stampRef }), {
      maxLength: 2,
    }),
  },
  ['metricName', 'operator', 'metricValue', 'dimensions'],
);
const customProperties = shapedText(
  {
    stampId: stampRef,
    signal: fc.oneof(
      { weight: 3, arbitrary: fc.constant('health-probe') },
      { weight: 1, arbitrary: fc.constantFrom('capacity-high', 'capacity-low', 'other') },
    ),
  },
  ['stampId', 'signal'],
);

/** Alert-shaped JSON text with any part broken, built from literal member text. */
const alertText = fc
  .tuple(
    fc.constantFrom(
      '"azureMonitorCommonAlertSchema"',
      '"azureMonitorCommonAlertSchema"',
      '"other"',
      '1',
      'null',
    ),
    essentials,
    fc.option(condition, { nil: undefined }),
    fc.oneof(
      { weight: 4, arbitrary: customProperties },
      { weight: 1, arbitrary: fc.constantFrom('null', '"x"') },
    ),
  )
  .map(
    ([schemaId, ess, cond, custom]) =>
      `{"schemaId":${schemaId},"data":{"essentials":${ess},"alertContext":${
        cond === undefined ? 'null' : `{"condition":{"allOf":[${cond}]}}`
      },"customProperties":${custom}}}`,
  );

const e2e = perSuite(
  () => startE2E(),
  (r) => r.stop(),
);

describe('robustness: the alert receiver under hostile input', () => {
  it('answers 202 or 413, never 5xx; an unusable alert changes nothing', async () => {
    const known = new Set((await e2e().plane.services.store.list()).map((s) => s.id));
    let published = 0;
    const body = fc.oneof(
      { weight: 3, arbitrary: alertText },
      { weight: 1, arbitrary: bodyText(shapedText({ schemaId: fc.string() })) },
      { weight: 1, arbitrary: deepJson },
    );
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const before = await stateSnapshot(e2e().plane);
        const logsBefore = e2e().logs.length;
        const answer = await rawRequest(e2e(), 'POST', '/api/alerts', text, 'application/json');
        const shown = `${text.slice(0, 300)} → ${answer.status} ${answer.body.slice(0, 300)}`;
        assert.ok(answer.status === 202 || answer.status === 413, shown);
        for (const line of e2e().logs.slice(logsBefore)) {
          assert.doesNotMatch(
            line,
            // eslint-disable-next-line no-control-regex -- control characters are what is checked
            /[\n\r\u0000\u2028\u2029\u202e]/,
            `one line per log entry: ${JSON.stringify(line)}`,
          );
        }
        let payload: unknown;
        try {
          payload = jsonDepth(text) > MAX_JSON_DEPTH ? undefined : (JSON.parse(text) as unknown);
        } catch {
          payload = undefined;
        }
        const classified = classifyAlert(payload, e2e().clock.now().toISOString());
        const usable = classified.kind === 'signal' && known.has(classified.signal.stampId);
        if (usable) published += 1;
        if (answer.status === 413 || !usable) assert.equal(await stateSnapshot(e2e().plane), before, shown);
      }),
      { numRuns: 80, seed: 7101 },
    );
    assert.deepEqual(e2e().plane.eventGrid.deadLetters(), []);
    assert.ok(published > 0, 'some usable alerts for real stamps were among the inputs');
  });
});

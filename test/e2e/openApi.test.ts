import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { commonAlertSchema } from '../../shared/lifecycle/alerts/commonAlertSchema';
import { perSuite } from '../support/lifetime';
import { startE2E } from './support/harness';

const e2e = perSuite(
  () => startE2E(),
  (r) => r.stop(),
);

interface Operation {
  summary: string;
  requestBody?: { content: { 'application/json': { schema: { $ref: string }; example?: unknown } } };
}

describe('the OpenAPI document', () => {
  it('GET /api/openapi.json documents every registered route, and every documented route is registered', async () => {
    const answer = await e2e().api('GET', '/api/openapi.json');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body['openapi'], '3.1.0');
    const paths = answer.body['paths'] as Record<string, Record<string, Operation>>;
    const documented = Object.entries(paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/^\/api\//, '')}`),
    );
    assert.deepEqual(documented.sort(), [...e2e().plane.host.httpRoutes].sort());
  });

  it('describes each request body with the JSON Schema of the zod schema that validates it', async () => {
    const doc = (await e2e().api('GET', '/api/openapi.json')).body;
    const paths = doc['paths'] as Record<string, Record<string, Operation>>;
    const schemas = (
      doc['components'] as {
        schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
      }
    ).schemas;
    const drain = paths['/api/stamps/{id}/drain']?.['post'];
    const ref = drain?.requestBody?.content['application/json'].schema.$ref ?? '';
    const body = schemas[ref.replace('#/components/schemas/', '')];
    assert.ok(body?.properties !== undefined && 'drainMinutes' in body.properties, JSON.stringify(body));
    const desired = schemas['PUT_regions_name'];
    assert.deepEqual([...(desired?.required ?? [])].sort(), ['desired', 'reason']);
    assert.ok(paths['/api/stamps/{id}/pause-ramp']?.['post'] !== undefined, 'the ramp commands are there');
  });

  it("gives the alert receiver a sample body, which the receiver's own schema accepts", async () => {
    const doc = (await e2e().api('GET', '/api/openapi.json')).body;
    const alerts = (doc['paths'] as Record<string, Record<string, Operation>>)['/api/alerts']?.['post'];
    const example = alerts?.requestBody?.content['application/json'].example;
    const parsed = commonAlertSchema.safeParse(example);
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
    // And the receiver takes it: a Fired health alert on weu-001's origin.
    const taken = await e2e().alert(example);
    assert.equal(taken.status, 202, JSON.stringify(taken.body));
    const signal = taken.body['signal'] as { type: string; stampId: string };
    assert.deepEqual(
      [taken.body['status'], signal.type, signal.stampId],
      ['published', 'HealthProbeFailed', 'weu-001'],
    );
  });

  it('needs a signed-in principal', async () => {
    const strict = await startE2E({ env: { STAMPS_LOCAL_AUTH: 'strict' } });
    try {
      const anonymous = await strict.api('GET', '/api/openapi.json');
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.contentType, 'application/problem+json');
    } finally {
      await strict.stop();
    }
  });
});

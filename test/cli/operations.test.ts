import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseJson, planeForCli } from './support';

// One spare place in westeurope (and in the fleet), so that a request can succeed on the seed;
// a quarantined stamp waits for an operator, so that `verify` has something to approve.
const plane = planeForCli({
  env: {
    STAMPS_REGIONS: 'westeurope:weu:1:5:4,eastus:eus:2:3,southeastasia:sea:3:3',
    STAMPS_TOTAL_MAX: '11',
    STAMPS_QUARANTINE_REQUIRE_APPROVAL: 'true',
  },
});

describe('stampctl: operator commands', () => {
  it('create in a full region is refused by the capacity guard', async () => {
    const run = await plane.run('create --region eastus');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /refused: 409 Conflict/);
    assert.match(run.stderr, /guard: {2}capacity/);
  });

  it('create for an unknown region is a 400', async () => {
    const run = await plane.run('create --region mars');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /refused: 400 Bad Request/);
  });

  it('create --allow-other-regions places the stamp in the next region with room', async () => {
    const run = await plane.run('create --region eastus --allow-other-regions --json --reason', 'cli test');
    assert.equal(run.code, 0, run.stderr);
    const stamp = parseJson(run.stdout);
    assert.equal(stamp['id'], 'weu-005');
    assert.equal(stamp['region'], 'westeurope');
    assert.equal(stamp['phase'], 'provisioning');
    await plane.e2e().settle();
    const human = await plane.run('get weu-005');
    assert.match(human.stdout, /operator.*: cli test/);
  });

  it('--dry-run says what a drain would do and does nothing', async () => {
    const run = await plane.run('drain eus-002 --dry-run --reason maintenance --minutes 7');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^dry run \(accepted\): DrainRequested for eus-002 \(active, in-rotation\)$/m);
    assert.match(run.stdout, /^ {2}would go {3}active\/in-rotation → draining\/none$/m);
    assert.match(run.stdout, /^ {2}effects {4}disable-origin, schedule-drain-timer, watch-in-flight/m);
    assert.match(run.stdout, /^ {2}eastus after: desired 3, serving 2, 2 in rotation/m);
    assert.match(run.stdout, /^nothing was changed$/m);
    await plane.e2e().settle();
    assert.equal(parseJson((await plane.run('get eus-002 --json')).stdout)['phase'], 'active');
    const refused = await plane.run('cleanup eus-002 --dry-run --reason r');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /guard: {2}transition-table/);
    assert.match(refused.stderr, /\(a dry run: nothing was changed\)/);
  });

  it('drain with a reason and minutes starts the drain, with its end among the deadlines', async () => {
    const run = await plane.run('drain eus-002 --reason maintenance --minutes 7');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^drain accepted for eus-002/);
    await plane.e2e().settle();
    const get = await plane.run('get eus-002');
    assert.match(get.stdout, /^phase {5}draining since /m);
    assert.match(get.stdout, /^ {2}drain ends: 2026-06-01T00:07:00\.000Z$/m);
    assert.match(
      get.stdout,
      /active → draining \(in-rotation → none\)\s+operator by local-admin: maintenance/,
    );
  });

  it('isolate takes the stamp out of rotation, with the reason audited', async () => {
    const run = await plane.run('isolate sea-003 --json --reason', 'investigating latency');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(parseJson(run.stdout)['id'], 'sea-003');
    await plane.e2e().settle();
    const get = parseJson((await plane.run('get sea-003 --json')).stdout);
    assert.equal(get['traffic'], 'isolated');
    const last = (get['history'] as { cause: { reason: string } }[]).at(-1);
    assert.equal(last?.cause.reason, 'investigating latency');
  });

  it('drain that would leave a region below its minimum in rotation names the guard; --override passes it', async () => {
    await plane.run('drain eus-001');
    await plane.e2e().settle();
    const refused = await plane.run('drain eus-003');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /refused: 409 Conflict/);
    assert.match(refused.stderr, /guard: {2}min-in-rotation/);
    const forced = await plane.run('drain eus-003 --override --reason', 'cli test');
    assert.equal(forced.code, 0, forced.stderr);
  });

  it('verify once the drained stamp is quarantined is accepted', async () => {
    // Four eyes: the default user drained it, so another principal approves.
    const approver = ['--token', plane.e2e().plane.identity.tokenFor('local-approver')];
    const early = await plane.run('verify eus-002', ...approver);
    assert.equal(early.code, 1, 'still draining: refused with the phase');
    assert.match(early.stderr, /draining/);
    await plane.e2e().advance(20);
    const phase = parseJson((await plane.run('get eus-002 --json')).stdout)['phase'];
    assert.equal(phase, 'quarantined');
    const own = await plane.run('verify eus-002 --reason checked');
    assert.equal(own.code, 1, 'the principal who drained it cannot approve it');
    assert.match(own.stderr, /guard: {2}four-eyes/);
    const run = await plane.run('verify eus-002 --reason checked', ...approver);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^verify accepted for eus-002/);
  });

  it("archive shows a retired stamp's archive, verified, and says why another has none", async () => {
    await plane.e2e().advance(30);
    const run = await plane.run('archive eus-002');
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /^archive of eus-002: http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/stamp-archives\/stamps\/eus-002\/archive\.json$/m,
    );
    assert.match(run.stdout, /^ {2}\d+ audit records, SHA-256 chain head [0-9a-f]{64}$/m);
    assert.match(run.stdout, /legal hold on$/m);
    assert.match(run.stdout, /^ {2}verified: /m);
    const none = await plane.run('archive sea-001');
    assert.equal(none.code, 1);
    assert.match(none.stderr, /stamp 'sea-001' has no archive: it is active/);
  });

  it('a change run again with its --idempotency-key is answered the same and done once', async () => {
    const line = 'isolate sea-002 --idempotency-key pipeline-run-42 --reason';
    const first = await plane.run(line, 'bad node pool');
    assert.equal(first.code, 0, first.stderr);
    const again = await plane.run(line, 'bad node pool');
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, first.stdout);
    await plane.e2e().settle();
    const history = (await plane.e2e().stamp('sea-002'))['history'] as { cause: { reason: string } }[];
    assert.equal(history.filter((h) => h.cause.reason === 'bad node pool').length, 1);
    // A new run (a new key) is a new request: refused, the stamp is isolated already.
    assert.equal((await plane.run('isolate sea-002 --reason', 'bad node pool')).code, 1);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseJson, planeForCli, stampctl } from './support';

const plane = planeForCli();

describe('stampctl: reading the fleet', () => {
  it('ls --json lists the seed fleet of 10 stamps', async () => {
    const run = await plane.run('ls --json');
    assert.equal(run.code, 0, run.stderr);
    const stamps = parseJson(run.stdout)['stamps'] as { id: string; phase: string }[];
    assert.equal(stamps.length, 10);
    assert.ok(stamps.every((s) => s.phase === 'active'));
  });

  it('ls --limit shows one page and the token of the next; --continuation goes on from it', async () => {
    const run = await plane.run('ls --limit 4');
    assert.equal(run.code, 0, run.stderr);
    const rows = run.stdout.trim().split('\n').slice(1);
    assert.deepEqual(
      rows.map((l) => l.split(/\s+/)[0]),
      ['eus-001', 'eus-002', 'eus-003', 'sea-001'],
    );
    const token = /--continuation (\S+)/.exec(run.stderr)?.[1];
    assert.ok(token !== undefined, run.stderr);
    const next = await plane.run('ls --limit 4 --json --continuation', token);
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(
      (parseJson(next.stdout)['stamps'] as { id: string }[]).map((s) => s.id),
      ['sea-002', 'sea-003', 'weu-001', 'weu-002'],
    );
  });

  it('ls --all follows every page to the same fleet as one unpaged answer', async () => {
    const all = await plane.run('ls --all --limit 3 --json');
    assert.equal(all.code, 0, all.stderr);
    const unpaged = await plane.run('ls --json');
    const ids = (text: string): string[] =>
      (parseJson(text)['stamps'] as { id: string }[]).map((s) => s.id).sort();
    assert.deepEqual(ids(all.stdout), ids(unpaged.stdout));
    assert.equal(ids(all.stdout).length, 10);
  });

  it('ls filters by region and phase, as a table by default', async () => {
    const run = await plane.run('ls --region eastus --phase active');
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.match(lines[0] ?? '', /^ID\s+REGION\s+PHASE\s+TRAFFIC\s+SINCE\s+CAUSE$/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s+/)[0]),
      ['eus-001', 'eus-002', 'eus-003'],
    );
    assert.match(lines[1] ?? '', /eus-001\s+eastus\s+active\s+in-rotation/);
  });

  it('ls --phase draining on a healthy fleet says there are none', async () => {
    const run = await plane.run('ls --phase draining');
    assert.equal(run.code, 0);
    assert.equal(run.stdout.trim(), 'no stamps');
  });

  it('get shows the stamp and its audit history; --json keeps the answer whole', async () => {
    const human = await plane.run('get weu-001');
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^stamp {5}weu-001$/m);
    assert.match(human.stdout, /^traffic {3}in-rotation$/m);
    assert.match(human.stdout, /^history$/m);
    assert.match(human.stdout, /created active \(none → in-rotation\)\s+system: imported at start/);

    const json = await plane.run('get weu-001 --json');
    const body = parseJson(json.stdout);
    assert.equal(body['id'], 'weu-001');
    assert.equal((body['history'] as unknown[]).length, 1);
  });

  it('regions shows capacity per region', async () => {
    const json = await plane.run('regions --json');
    assert.equal(json.code, 0, json.stderr);
    const regions = parseJson(json.stdout)['regions'] as { name: string; inRotation: number; max: number }[];
    assert.deepEqual(
      regions.map((r) => [r.name, r.inRotation, r.max]),
      [
        ['westeurope', 4, 4],
        ['eastus', 3, 3],
        ['southeastasia', 3, 3],
      ],
    );
    const human = await plane.run('regions');
    assert.match(
      human.stdout,
      /^REGION\s+DESIRED\s+SERVING\s+MAX\s+HOLDING\s+IN ROTATION\s+SPARES\s+BY PHASE\s+HELD BY$/m,
    );
    assert.match(
      human.stdout,
      /^westeurope\s+4\s+4\s+4\s+4\s+4\s+-\s+active 4\s+-$/m,
      'no spares configured',
    );
  });

  it('watch --once prints the transitions so far, one JSON object a line with --json', async () => {
    const run = await plane.run('watch --once --json');
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n').map(parseJson);
    assert.equal(lines.length, 10);
    assert.ok(lines.every((t) => t['to'] === 'active' && typeof t['stampId'] === 'string'));
  });

  it('takes the url from STAMPCTL_URL', async () => {
    const run = await stampctl(['ls', '--json'], { STAMPCTL_URL: plane.url() });
    assert.equal(run.code, 0, run.stderr);
    assert.equal((parseJson(run.stdout)['stamps'] as unknown[]).length, 10);
  });
});

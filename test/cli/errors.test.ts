import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';

import { closedPort, parseJson, planeForCli, stampctl } from './support';

const plane = planeForCli();

describe('stampctl: usage errors exit 2 with the usage text', () => {
  const cases: [string, string[], RegExp][] = [
    ['no command', [], /no command given/],
    ['an unknown command', ['launch'], /unknown command 'launch'/],
    ['an unknown option', ['ls', '--bogus'], /Unknown option '--bogus'/],
    ['an option of another command', ['ls', '--minutes', '5'], /ls does not take --minutes/],
    ['a missing stamp id', ['get'], /get takes one stamp id/],
    ['a stray argument', ['regions', 'weu-001'], /regions takes no arguments/],
    [
      'minutes that are not a whole number',
      ['drain', 'weu-001', '--minutes', 'ten'],
      /--minutes must be a whole number/,
    ],
    ['isolate without a reason', ['isolate', 'weu-001'], /isolate needs --reason/],
    [
      'the approver named by hand',
      ['verify', 'weu-001', '--approved-by', 'ana'],
      /--approved-by is gone: the approver is who you are signed in as/,
    ],
    ['a function key', ['ls', '--key=k3y'], /--key is gone: sign in instead/],
    [
      'a function app on Azure without a way to sign in',
      ['ls', '--url', 'https://func-x.azurewebsites.net'],
      /https:\/\/func-x\.azurewebsites\.net is not this machine: sign in with --audience/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(`exits 2 for ${name}`, async () => {
      const run = await stampctl(args.includes('--url') ? args : [...args, '--url', 'http://127.0.0.1:9']);
      assert.equal(run.code, 2);
      assert.match(run.stderr, message);
      assert.match(run.stderr, /usage: stampctl <command>/);
      assert.equal(run.stdout, '');
    });
  }

  it('--help prints the usage on stdout and exits 0', async () => {
    const run = await stampctl(['--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /usage: stampctl <command>/);
  });
});

describe('stampctl: failures exit 1 and say why', () => {
  it('names the url and `npm start` when nothing listens there', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const run = await stampctl(['ls', '--url', dead]);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr.trim(),
      `stampctl: cannot reach the control plane at ${dead}: is \`npm start\` running?`,
    );
  });

  it('prints a 404 problem detail', async () => {
    const run = await plane.run('get weu-999');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /refused: 404 Not Found/);
    assert.match(run.stderr, /detail: there is no stamp 'weu-999'/);
  });

  it('prints a 400 problem detail for a bad filter', async () => {
    const run = await plane.run('ls --phase sleeping');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /refused: 400 Bad Request/);
    assert.match(run.stderr, /detail: invalid query: 'phase'/);
  });

  it('prints the guard of a 409 refusal, and the problem itself on stdout with --json', async () => {
    const run = await plane.run('verify weu-001 --json');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /refused: 409 Conflict/);
    assert.match(run.stderr, /detail: .*active/);
    assert.match(run.stderr, /guard: {2}\S+/);
    const problem = parseJson(run.stdout);
    assert.equal(problem['status'], 409);
    assert.equal(problem['stampId'], 'weu-001');
    assert.equal(typeof problem['guard'], 'string');
  });
});

describe('stampctl: signing in', () => {
  let server: Server;
  let seen: IncomingHttpHeaders[] = [];
  let fake: string;
  before(async () => {
    // A stand-in for the function app on Azure: it records what arrives, then fails like a host would.
    server = createServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('host error');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    fake = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends --token as a bearer token, no key, and reports a non-problem 500 as a failure', async () => {
    seen = [];
    const run = await stampctl(['regions', '--url', fake, '--token', 't0ken']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /refused: 500 Internal Server Error/);
    assert.match(run.stderr, /detail: host error/);
    assert.equal(seen[0]?.['authorization'], 'Bearer t0ken');
    assert.equal(seen[0]?.['x-functions-key'], undefined);
  });

  it('takes the token from STAMPCTL_TOKEN, and --url over STAMPCTL_URL', async () => {
    seen = [];
    await stampctl(['ls', '--url', fake], { STAMPCTL_TOKEN: 'from-env', STAMPCTL_URL: 'http://127.0.0.1:9' });
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.['authorization'], 'Bearer from-env');
  });

  it('reports a redirect to sign in as a failure that says how to sign in, without following it', async () => {
    const redirecting = createServer((_request, response) => {
      response.writeHead(302, { location: '/.auth/login/aad?post_login_redirect_uri=/api/stamps' });
      response.end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    const address = redirecting.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const run = await stampctl(['ls', '--url', `http://127.0.0.1:${port}`, '--token', 'expired']);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /refused: 302 Redirected to sign in/);
      assert.match(run.stderr, /\/\.auth\/login\/aad.*sign in with --audience/);
    } finally {
      await new Promise<void>((resolve) => redirecting.close(() => resolve()));
    }
  });

  it('sends nothing that signs in when it has neither a token nor an audience', async () => {
    seen = [];
    await stampctl(['ls', '--url', fake]);
    assert.equal(seen[0]?.['authorization'], undefined);
  });
});

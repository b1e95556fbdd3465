import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import { SESSION_COOKIE } from '../../shared/local/host/localIdentity';
import { type E2E, startE2E } from '../e2e/support/harness';
import { perSuite } from '../support/lifetime';
import { launchChromium } from './chromium';

/** Where screenshots go: test-results/ (git-ignored) at the repository's top. */
const RESULTS = path.resolve(__dirname, '../../../test-results');
const WAIT = { timeout: 10_000 };

let e2e: E2E;
let browser: Browser;
before(async () => {
  // The browser first: when Chromium is missing, fail with its install command before a control
  // plane is started that nothing would stop.
  browser = await launchChromium();
  e2e = await startE2E();
});
after(async () => {
  await browser?.close();
  await e2e?.stop();
});

interface OpenOptions {
  /** Signed in, by its session cookie, as this local user; by default the first one. */
  readonly user?: string;
  /** The control plane; by default the suite's shared one. */
  readonly on?: E2E;
  /** The page's query; by default a fast poll, which keeps the tests short (the page's own is 2 s). */
  readonly query?: string;
}

/**
 * Opens the dashboard and waits for the fleet's ten cards; `errors` collects every script error
 * or CSP violation the page reports from then on.
 */
async function openPage(
  viewport: { width: number; height: number },
  options: OpenOptions = {},
): Promise<{ page: Page; errors: string[] }> {
  const plane = options.on ?? e2e;
  const page = await browser.newPage({ viewport });
  if (options.user !== undefined) {
    await page
      .context()
      .addCookies([
        { name: SESSION_COOKIE, value: plane.plane.identity.tokenFor(options.user), url: plane.plane.origin },
      ]);
  }
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${plane.plane.origin}/api/dashboard${options.query ?? '?poll=300'}`);
  await page.locator('button.card').nth(9).waitFor(WAIT);
  return { page, errors };
}

/** Opens the dashboard (openPage) and checks it loaded without a script error. */
async function open(viewport: { width: number; height: number }, user?: string): Promise<Page> {
  const { page, errors } = await openPage(viewport, user === undefined ? {} : { user });
  assert.deepEqual(errors, [], 'no script error or CSP violation');
  return page;
}

/**
 * Where each matched element sits on the page, rounded to the pixel, read in one pass in the
 * page: the dashboard redraws the fleet on its poll, and element-by-element reads could straddle
 * a redraw (a detached element has no box, and NaN would count as another column).
 */
async function boxes(page: Page, selector: string, axis: 'x' | 'y'): Promise<number[]> {
  // An expression: this project compiles without the DOM's types; it runs in the page.
  return page.evaluate<number[]>(
    `[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => Math.round(e.getBoundingClientRect().${axis}))`,
  );
}

const card = (page: Page, id: string) => page.locator(`button.card[data-stamp-id="${id}"]`);

describe('dashboard in Chromium', () => {
  it('shows the seed fleet: three regions side by side, ten active stamp cards, the simulation controls', async () => {
    const page = await open({ width: 1280, height: 800 });
    assert.equal(await page.locator('button.card').count(), 10);
    assert.equal(
      await page.locator('button.card[data-phase="active"][data-traffic="in-rotation"]').count(),
      10,
    );
    const regions = page.locator('section.region');
    assert.deepEqual(await Promise.all((await regions.all()).map((r) => r.getAttribute('data-region'))), [
      'westeurope',
      'eastus',
      'southeastasia',
    ]);
    const tops = await boxes(page, 'section.region', 'y');
    assert.equal(new Set(tops).size, 1, 'side by side at 1280 px');
    assert.equal(
      await page.locator('[data-region="westeurope"] .bar').getAttribute('aria-label'),
      '4 of 4 places held, 4 in rotation',
    );
    assert.ok(await page.locator('#sim').isVisible(), 'local mode: /sim/state answered');
    assert.equal(await page.locator('#timeline li').count(), 10);
    assert.equal(
      await page.locator('[data-region="eastus"] .meta.desired').textContent(),
      'desired 3 \u00b7 serving 3',
      'desired vs actual per region',
    );
    await page.close();
  });

  it('a failure injected from the page isolates the stamp and a replacement appears', async () => {
    const page = await open({ width: 1280, height: 800 });
    await card(page, 'weu-002').click();
    const dialog = page.locator('#stamp-dialog');
    await dialog.waitFor(WAIT);
    await page.getByRole('button', { name: 'Fail stamp (simulated)' }).click();
    await page.locator('#sd-message', { hasText: 'weu-002 health probes failing' }).waitFor(WAIT);
    // Simulated time moves in the test (a manual clock): probes fail, the alert fires, the decision is made.
    await e2e.advance(3);
    await page.locator('button.card[data-stamp-id="weu-002"][data-traffic="isolated"]').waitFor(WAIT);
    await card(page, 'weu-005').waitFor(WAIT);
    assert.equal(await card(page, 'weu-005').getAttribute('data-phase'), 'provisioning');
    await dialog.locator('#sd-facts', { hasText: 'replaced by' }).waitFor(WAIT);
    assert.match((await dialog.locator('#sd-history').innerText()) ?? '', /in-rotation → isolated/);
    assert.match(await dialog.locator('#sd-deadlines').innerText(), /isolation grace ends/);
    await page.keyboard.press('Escape');
    await page.locator('#timeline li', { hasText: 'weu-005' }).first().waitFor(WAIT);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, 'dashboard.png') });
    await page.close();
  });

  it('is keyboard operable: a card opens with Enter, an operator action shows the guard that refused it', async () => {
    const page = await open({ width: 1280, height: 800 });
    await card(page, 'sea-001').focus();
    await page.keyboard.press('Enter');
    await page.locator('#stamp-dialog[open]').waitFor(WAIT);
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.locator('#sd-message', { hasText: 'refused (409' }).waitFor(WAIT);
    assert.match(await page.locator('#sd-message').innerText(), /guard \S+\): .*active/);
    await page.getByLabel('Reason', { exact: true }).fill('investigating latency');
    await page.getByRole('button', { name: 'Isolate', exact: true }).click();
    await page.locator('#sd-message', { hasText: 'isolate accepted for sea-001' }).waitFor(WAIT);
    await page.keyboard.press('Escape');
    await page.locator('button.card[data-stamp-id="sea-001"][data-traffic="isolated"]').waitFor(WAIT);
    assert.equal(
      await page.evaluate('document.activeElement?.getAttribute("data-stamp-id")'),
      'sea-001',
      'focus returns to the card',
    );
    await page.close();
  });

  it('advances the simulated clock from the page, and no key travels in a URL or a header', async () => {
    const page = await open({ width: 1280, height: 800 });
    const keys = new Set<string | undefined>();
    page.on('request', (request) => {
      if (request.url().includes('/api/')) {
        keys.add(request.headers()['x-functions-key']);
        keys.add(new URL(request.url()).searchParams.get('code') ?? undefined);
      }
    });
    const before = await page.locator('#clock').innerText();
    await page.getByLabel('Minutes', { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Advance clock' }).click();
    await page.locator('#sim-message', { hasText: 'clock advanced 2 min' }).waitFor(WAIT);
    // The message comes from the POST's answer; the clock line from the next refresh: wait for it.
    await page.locator('#clock').filter({ hasNotText: before }).waitFor(WAIT);
    assert.notEqual(await page.locator('#clock').innerText(), before);
    assert.deepEqual([...keys], [undefined]);
    assert.match(
      await page.locator('#user').innerText(),
      /^local-admin \(Stamps\.Reader, Stamps\.Operator, Stamps\.Approver, Stamps\.Admin\)$/,
    );
    await page.close();
  });

  it('previews an action as a dry run: what it would do, and nothing changes', async () => {
    const page = await open({ width: 1280, height: 800 });
    await card(page, 'eus-001').click();
    await page.locator('#stamp-dialog[open]').waitFor(WAIT);
    await page.getByLabel('dry run: show what would happen, change nothing').check();
    await page.getByRole('button', { name: 'Drain', exact: true }).click();
    await page
      .locator('#sd-message', { hasText: 'drain would: active/in-rotation → draining/none' })
      .waitFor(WAIT);
    assert.match(await page.locator('#sd-message').innerText(), /eastus after: serving 2 of 3/);
    await e2e.settle();
    assert.equal((await e2e.stamp('eus-001'))['phase'], 'active');
    await page.close();
  });

  it('offers a signed-in approver only what the role allows: verify, no override, no desired count', async () => {
    const page = await open({ width: 1280, height: 800 }, 'local-approver');
    assert.match(
      await page.locator('#user').innerText(),
      /^local-approver \(Stamps\.Reader, Stamps\.Approver\)$/,
    );
    assert.equal(await page.locator('form.desired-form').count(), 0, 'no desired-count form');
    await card(page, 'sea-001').click();
    await page.locator('#stamp-dialog[open]').waitFor(WAIT);
    const offered = await page.evaluate<string[]>(
      `[...document.querySelectorAll('#sd-ops button[type=submit]')].filter((b) => !b.hidden).map((b) => b.value)`,
    );
    assert.deepEqual(offered, ['verify']);
    assert.equal(await page.locator('#op-override-label').isHidden(), true);
    await page.close();
  });

  it('fits a phone: one column, no horizontal scrolling', async () => {
    const page = await open({ width: 390, height: 844 });
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 0, `${overflow}px wider than the screen`);
    const lefts = await boxes(page, 'section.region', 'x');
    assert.equal(new Set(lefts).size, 1, 'regions stacked');
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, 'dashboard-phone.png'), fullPage: true });
    await page.close();
  });
  it("sets a region's desired count from the page; the reconciler retires the surplus", async () => {
    const page = await open({ width: 1280, height: 800 });
    const form = page.locator('form.desired-form[data-region="eastus"]');
    await form.locator('input[name="desired"]').fill('2');
    await form.locator('input[name="reason"]').fill('night');
    await form.getByRole('button', { name: 'Set desired' }).click();
    await page.locator('#fleet-message', { hasText: 'eastus: desired set to 2' }).waitFor(WAIT);
    await page.locator('[data-region="eastus"] .meta.desired', { hasText: 'desired 2 \u00b7' }).waitFor(WAIT);
    // The surplus goes once nothing is being built (earlier tests left replacements building).
    await e2e.advance(45);
    await page
      .locator('[data-region="eastus"] .meta.desired', { hasText: 'desired 2 \u00b7 serving 2' })
      .waitFor(WAIT);
    await page.close();
  });

  it('the chaos console injects a fault, shows it while active, and a button clears it', async () => {
    const page = await open({ width: 1280, height: 800 });
    await page.locator('#chaos-kind').selectOption('arm-outage');
    await page.locator('#chaos-summary', { hasText: 'ARM answers 503' }).waitFor(WAIT);
    assert.ok(await page.locator('#chaos-region').isVisible());
    assert.ok(!(await page.locator('#chaos-stamp').isVisible()), 'no stamp for a region fault');
    await page.locator('#chaos-region').selectOption('eastus');
    await page.getByLabel('For minutes').fill('30');
    await page.getByRole('button', { name: 'Inject fault' }).click();
    const item = page.locator('#chaos-active li.fault', { hasText: 'arm-outage:eastus' });
    await item.waitFor(WAIT);
    assert.match(await item.innerText(), /until/);
    assert.match(
      (await e2e.api('GET', '/sim/state')).body['chaos']
        ? JSON.stringify((await e2e.api('GET', '/sim/state')).body['chaos'])
        : '',
      /arm-outage:eastus/,
    );
    await page.getByRole('button', { name: 'clear arm-outage:eastus' }).click();
    await page.locator('#chaos-active li', { hasText: 'no fault injected' }).waitFor(WAIT);
    assert.deepEqual((await e2e.api('GET', '/sim/state')).body['chaos'], []);
    await page.close();
  });
});

describe('dashboard in Chromium: monitoring plots, incidents, time in phase', () => {
  const watched = perSuite(
    () => startE2E(),
    (r) => r.stop(),
  );

  it("plots each region's seed metrics, lists the incidents raised, and shows where a stamp spent its time", async () => {
    await watched().advance(40);
    await watched().api('POST', '/sim/regions/westeurope/load', { utilization: 75 });
    for (const id of ['weu-001', 'weu-002', 'eus-001', 'eus-002', 'sea-001'])
      await watched().api('POST', `/sim/stamps/${id}/fail`);
    await watched().advance(4);
    const { page, errors } = await openPage({ width: 1280, height: 800 }, { on: watched() });
    const weu = page.locator('#metrics section.metric-region[data-region="westeurope"]');
    await weu.waitFor(WAIT);
    assert.equal(await page.locator('#metrics section.metric-region').count(), 3);
    assert.equal(await weu.locator('figure.metric').count(), 6);
    assert.equal(await weu.locator('figure.metric svg path.line').count(), 6, 'a line in every plot');
    const label = (metric: string) =>
      weu.locator(`figure[data-metric="${metric}"]`).getAttribute('aria-label');
    assert.match(
      (await label('nodePoolUtilization')) ?? '',
      /^node pool CPU of westeurope: now 75 %, peak 75 %/,
    );
    const errorsLabel = (await label('errorPercent')) ?? '';
    const peak = Number(/peak ([\d.]+) %/.exec(errorsLabel)?.[1]);
    assert.ok(peak >= 5, errorsLabel);
    assert.match(
      (await weu.locator('figure[data-metric="errorPercent"]').getAttribute('class')) ?? '',
      /alarm/,
      'a 5xx spike is drawn as an alarm',
    );
    assert.ok(Number(await weu.locator('figure[data-metric="latencyMs"]').getAttribute('data-points')) >= 40);

    const incident = page.locator('#incidents li[data-incident="blast-radius"]').first();
    await incident.waitFor(WAIT);
    assert.match(await incident.innerText(), /blast-radius.*above maxUnhealthyPercent 40%/);

    await page.locator('button.card[data-stamp-id="eus-003"]').click();
    const dialog = page.locator('#stamp-dialog');
    await dialog.locator('#sd-metrics figure.metric').nth(5).waitFor(WAIT);
    assert.match(await dialog.locator('#sd-phases-text').innerText(), /^active 44 min$/);
    assert.equal(await dialog.locator('#sd-phases span[data-phase="active"]').count(), 1);
    await page.keyboard.press('Escape');
    assert.deepEqual(errors, [], 'no script error or CSP violation');
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, 'dashboard-monitoring.png'), fullPage: true });
    // `DASHBOARD_SCREENSHOT=docs/dashboard.png` refreshes the README's picture from this state.
    const docs = process.env['DASHBOARD_SCREENSHOT'];
    if (docs) await page.screenshot({ path: path.resolve(docs), fullPage: true });
    await page.close();
  });
});

describe('dashboard in Chromium: live updates', () => {
  const live = perSuite(
    () => startE2E(),
    (r) => r.stop(),
  );

  it('without ?poll= it follows server-sent events: a change shows long before the slow refresh', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const streams: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/events')) streams.push(request.headers()['accept'] ?? '');
    });
    await page.goto(`${live().plane.origin}/api/dashboard`);
    await page.locator('button.card').nth(9).waitFor(WAIT);
    await page.locator('#status', { hasText: 'live updates' }).waitFor(WAIT);
    const answer = await live().api('POST', '/api/stamps/eus-002/isolate', {
      reason: 'live update in the browser',
    });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    // The page refreshes every 15 s without an event; the WAIT is 10 s: only the event can show it.
    await page.locator('button.card[data-stamp-id="eus-002"][data-traffic="isolated"]').waitFor(WAIT);
    assert.ok(
      streams.length >= 1 && streams.every((a) => a.includes('text/event-stream')),
      JSON.stringify(streams),
    );
    await page.close();
  });
});

describe('dashboard in Chromium: warm spares and the traffic ramp', () => {
  let spares: E2E;
  before(async () => {
    spares = await startE2E({ env: { STAMPS_SPARES_PER_REGION: '1' } });
  });
  after(async () => {
    await spares?.stop();
  });

  it("shows each region's spare pool and a spare on standby; a promoted spare's ramp, step by step, with its canary verdict", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${spares.plane.origin}/api/dashboard?poll=300`);
    const sparesCard = (id: string) => page.locator(`button.card[data-stamp-id="${id}"]`);
    await sparesCard('eus-003').waitFor(WAIT);
    assert.equal(
      await page.locator('[data-region="eastus"] .meta.spares').textContent(),
      'spares 1 of 1 ready',
    );
    assert.match(await sparesCard('eus-003').innerText(), /spare on standby/);

    await spares.api('POST', '/sim/stamps/weu-001/fail');
    await spares.advance(4);
    await page.locator('button.card[data-stamp-id="weu-004"]', { hasText: 'ramp 1%' }).waitFor(WAIT);
    await page.locator('[data-region="westeurope"] .meta.spares', { hasText: '1 building' }).waitFor(WAIT);
    await sparesCard('weu-004').click();
    const dialog = page.locator('#stamp-dialog');
    await dialog.locator('#sd-facts', { hasText: 'step 1 of 4: 1% (origin weight 10)' }).waitFor(WAIT);
    await page.keyboard.press('Escape');
    await spares.advance(10);
    await page.locator('button.card[data-stamp-id="weu-004"]', { hasText: 'ramp 10%' }).waitFor(WAIT);
    await sparesCard('weu-004').click();
    await dialog.locator('#sd-history', { hasText: 'ramp 1% → 10%; canary within' }).waitFor(WAIT);
    await page.close();
  });
});

import { createHash } from 'node:crypto';

import { OPERATOR_COMMANDS } from '../lifecycle/operatorCommands';
import { DASHBOARD_JS } from './client';
import { DASHBOARD_CSS } from './styles';

const BODY = String.raw`
<header>
  <h1>Synaxis Stamps</h1>
  <span class="status" id="status" role="status" aria-live="polite">connecting…</span>
  <span class="status" id="clock"></span>
  <span class="status" id="user" aria-label="signed in as"></span>
</header>
<main>
  <section aria-labelledby="fleet-h">
    <h2 id="fleet-h">Fleet by region</h2>
    <div class="row">
      <label class="check"><input type="checkbox" id="show-retired"> show archived and purged stamps</label>
    </div>
    <p id="fleet-message" class="message" role="status" aria-live="polite"></p>
    <div id="regions" class="regions"></div>
    <section class="panel monitoring" aria-labelledby="mon-h">
      <h2 id="mon-h">Monitoring (last hour, per minute)</h2>
      <p class="meta" id="mon-source"></p>
      <div id="metrics" class="metric-regions"></div>
    </section>
  </section>
  <div>
    <section id="sim" class="panel" aria-labelledby="sim-h" hidden>
      <h2 id="sim-h">Simulation (local host)</h2>
      <div id="sim-region" class="row">
        <label>Region <select id="sim-region-name"></select></label>
        <button type="button" class="danger" data-sim="fail">Fail region</button>
        <button type="button" class="secondary" data-sim="recover">Recover region</button>
      </div>
      <form id="sim-load" class="row">
        <label>Load of the region (%) <input id="sim-load-value" type="number" min="0" max="100" value="50" required></label>
        <button type="submit">Set load</button>
      </form>
      <form id="sim-clock" class="row">
        <label>Minutes <input id="sim-clock-minutes" type="number" min="1" max="10080" value="5" required></label>
        <button type="submit">Advance clock</button>
      </form>
      <p id="sim-message" class="message" role="status" aria-live="polite"></p>
      <h3 id="chaos-h">Chaos</h3>
      <ul id="chaos-active" class="held" aria-labelledby="chaos-h"></ul>
      <form id="chaos-form" class="row">
        <label>Fault <select id="chaos-kind"></select></label>
        <label id="chaos-region-label">Region <select id="chaos-region"></select></label>
        <label id="chaos-stamp-label">Stamp <input id="chaos-stamp" maxlength="64" autocomplete="off" placeholder="weu-001"></label>
        <label id="chaos-minutes-label">For minutes <input id="chaos-minutes" type="number" min="1" max="1440" value="15"></label>
        <label id="chaos-delay-label">Delay minutes <input id="chaos-delay" type="number" min="1" max="1440" value="5"></label>
        <button type="submit" class="danger">Inject fault</button>
        <button type="button" id="chaos-clear-all" class="secondary">Clear all faults</button>
      </form>
      <p id="chaos-summary" class="message"></p>
      <p id="chaos-message" class="message" role="status" aria-live="polite"></p>
    </section>
    <section class="panel" aria-labelledby="inc-h">
      <h2 id="inc-h">Incidents (last 24 h)</h2>
      <ol id="incidents" class="timeline" aria-label="incidents, newest first"></ol>
    </section>
    <section class="panel" aria-labelledby="sig-h">
      <h2 id="sig-h">Signals (last 24 h)</h2>
      <p id="sig-burst" class="message error" role="alert" hidden></p>
      <dl id="sig-counts" class="counts"></dl>
      <ol id="sig-recent" class="timeline" aria-label="alerts not accepted, newest first"></ol>
    </section>
    <section class="panel" aria-labelledby="tl-h">
      <h2 id="tl-h">Transitions</h2>
      <ol id="timeline" class="timeline" aria-label="transitions, newest first"></ol>
    </section>
  </div>
</main>
<dialog id="stamp-dialog" aria-labelledby="sd-title">
  <div class="row">
    <h2 id="sd-title">Stamp</h2>
    <button type="button" id="sd-close" class="secondary">Close</button>
  </div>
  <dl id="sd-facts"></dl>
  <h3>Deadlines</h3>
  <dl id="sd-deadlines"></dl>
  <h3 id="sd-phases-h">Time in each phase</h3>
  <div id="sd-phases" class="phases" role="img" aria-labelledby="sd-phases-h sd-phases-text"></div>
  <p id="sd-phases-text" class="meta"></p>
  <h3>Monitoring (last hour)</h3>
  <div id="sd-metrics" class="sparks"></div>
  <section aria-labelledby="sd-ops-h">
    <h3 id="sd-ops-h">Operator actions</h3>
    <form id="sd-ops" class="row">
      <label>Reason <input id="op-reason" name="reason" maxlength="500" autocomplete="off"></label>
      <label>Drain minutes <input id="op-minutes" name="minutes" type="number" min="1" max="1440"></label>
      <label class="check" id="op-override-label"><input id="op-override" name="override" type="checkbox"> override a guard (audited)</label>
      <label class="check"><input id="op-dry-run" name="dryRun" type="checkbox"> dry run: show what would happen, change nothing</label>
      <button type="submit" value="drain">Drain</button>
      <button type="submit" value="isolate">Isolate</button>
      <button type="submit" value="verify">Verify</button>
      <button type="submit" value="rejoin" class="secondary">Rejoin</button>
      <button type="submit" value="cancel-drain" class="secondary">Cancel drain</button>
      <button type="submit" value="pause-ramp" class="secondary">Pause ramp</button>
      <button type="submit" value="continue-ramp" class="secondary">Continue ramp</button>
      <button type="submit" value="skip-ramp" class="secondary">Skip ramp</button>
      <button type="submit" value="cleanup" class="secondary">Clean up</button>
    </form>
    <div id="sd-sim" class="row" hidden>
      <button type="button" class="danger" data-stamp-sim="fail">Fail stamp (simulated)</button>
      <button type="button" class="secondary" data-stamp-sim="recover">Recover stamp (simulated)</button>
    </div>
    <p id="sd-message" class="message" role="status" aria-live="polite"></p>
  </section>
  <h3>Audit history</h3>
  <table>
    <caption class="visually-hidden">audit history, newest first</caption>
    <thead><tr><th scope="col">at</th><th scope="col">transition</th><th scope="col">cause</th></tr></thead>
    <tbody id="sd-history"></tbody>
  </table>
</dialog>
`;

/**
 * The script, after the operator command table it checks requests against (which need a reason,
 * which take an override, minutes or an approver), so the page never lists those rules itself.
 */
const SCRIPT = `var COMMANDS = ${JSON.stringify(OPERATOR_COMMANDS)};\n${DASHBOARD_JS}`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The whole page: one self-contained document, no external asset. */
export const DASHBOARD_HTML = [
  '<!doctype html>',
  '<html lang="en">',
  '<head>',
  '<meta charset="utf-8">',
  '<meta name="viewport" content="width=device-width, initial-scale=1">',
  '<title>Synaxis Stamps</title>',
  // No favicon request (the function app has none to serve).
  '<link rel="icon" href="data:,">',
  `<style>${DASHBOARD_CSS}</style>`,
  '</head>',
  `<body>${BODY}<script>${SCRIPT}</script></body>`,
  '</html>',
].join('\n');

/**
 * Allows exactly the inline style and script above (by hash) and calls to this origin only: the
 * page shows operator-written text, so nothing else may run or load.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(DASHBOARD_CSS)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The dashboard's script: plain browser JavaScript, kept as a string because the project's
 * TypeScript build targets Node (no DOM types) and the page must need no bundler. It polls the
 * API, builds the DOM with textContent only (no innerHTML: stamp causes are operator text), and
 * keeps the focused card focused across refreshes so the page stays keyboard operable.
 * No backtick or dollar-brace may appear below: the string is a template literal.
 */
export const DASHBOARD_JS = String.raw`
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var pollMs = Math.max(250, Number(params.get('poll')) || 2000);
  // Live updates by server-sent events (GET /api/events), unless ?poll= asks for polling or the
  // browser has no EventSource; after three failed connections in a row the page polls instead.
  var live = { wanted: !params.has('poll') && typeof EventSource === 'function', source: null, failures: 0, on: false };
  // With live updates, a slow refresh still picks up what the fleet's fingerprint does not cover
  // (the simulation's state, metrics, signals).
  var SLOW_REFRESH_MS = 15000;
  var METRICS_EVERY_MS = Math.max(1000, Number(params.get('metricsEvery')) || 60000);
  var TIMELINE_MAX = 100;
  // Relative to this page, so the route prefix (api) is whatever the host uses.
  var apiBase = location.pathname.replace(/\/dashboard\/?$/, '/');
  var state = { me: null, stamps: [], regions: [], signals: null, incidents: null, metrics: null, polls: 0, sim: null, local: false, seen: new Map(), timeline: [], open: null, drawn: '' };
  var DEADLINES = { registrationTimeoutAt: 'registration timeout', isolationDecisionAt: 'isolation decision',
    isolationGraceEndsAt: 'isolation grace ends', drainEndsAt: 'drain ends', purgeDueAt: 'purge due',
    rampStepDueAt: 'ramp step checked' };
  var RETIRED = { archived: true, purged: true };

  function $(id) { return document.getElementById(id); }
  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      if (k === 'text') node.textContent = props[k];
      else if (k === 'className') node.className = props[k];
      else node.setAttribute(k, props[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function api(path) { return apiBase + path; }

  async function call(method, url, body) {
    var headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    // Same origin: the platform's session cookie signs the call in, no key is needed.
    var response = await fetch(url, { method: method, headers: headers, cache: 'no-store', credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body) });
    var text = await response.text();
    var data;
    try { data = text ? JSON.parse(text) : {}; } catch (e) { data = { detail: text }; }
    if (!response.ok) {
      var error = new Error((data && data.detail) || response.status + ' ' + response.statusText);
      error.status = response.status;
      error.guard = data && data.guard;
      throw error;
    }
    return data;
  }

  function when(iso) {
    if (!iso) return '';
    var d = new Date(iso);
    var text = d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
    var now = state.sim && state.sim.now ? new Date(state.sim.now) : null;
    if (!now) return text;
    var minutes = Math.round((d.getTime() - now.getTime()) / 60000);
    var rel = Math.abs(minutes) >= 2880 ? Math.round(Math.abs(minutes) / 1440) + ' d' : Math.abs(minutes) + ' min';
    return text + (minutes === 0 ? ' (now)' : minutes > 0 ? ' (in ' + rel + ')' : ' (' + rel + ' ago)');
  }
  function move(t) {
    var phase = t.from === null ? 'created ' + t.to : t.from === t.to ? t.to : t.from + ' \u2192 ' + t.to;
    var moved = t.traffic ? phase + ' (' + t.traffic.from + ' \u2192 ' + t.traffic.to + ')' : phase;
    var ramp = !t.ramp ? '' : t.ramp.from === null ? ', ramp starts at ' + t.ramp.to + '%' :
      t.ramp.from === t.ramp.to ? ', ramp ' + (t.ramp.paused === true ? 'paused ' : t.ramp.paused === false ? 'continues ' : '') + 'at ' + t.ramp.to + '%' : ', ramp ' + t.ramp.from + '% \u2192 ' + t.ramp.to + '%';
    return moved + ramp + (t.canary ? '; canary ' + t.canary.verdict + ': ' + t.canary.reason : '');
  }
  // What a stamp's traffic is, in words: a spare on standby, a ramp's step.
  function trafficText(s) {
    if (s.traffic === 'none') return 'no traffic';
    if (s.traffic === 'standby') return 'spare on standby';
    return s.ramp ? s.traffic + ' \u00b7 ramp ' + s.ramp.percent + '%' + (s.ramp.paused ? ' (paused)' : '') : s.traffic;
  }
  function cause(c) {
    return c.kind + (c.actor ? ' by ' + c.actor : '') + ': ' + c.reason +
      (c.overriddenGuard ? ' [overrode ' + c.overriddenGuard + ']' : '');
  }
  function setMessage(id, text, ok) {
    var node = $(id);
    node.textContent = text;
    node.className = 'message ' + (ok ? 'ok' : 'error');
  }
  // A dry run's answer in a sentence: the move, what would run, the region afterwards.
  function previewText(p) {
    var parts = [];
    if (p.transition) {
      var from = p.transition.from ? p.transition.from.phase + '/' + p.transition.from.traffic : 'new';
      parts.push(from + ' \u2192 ' + p.transition.to.phase + '/' + p.transition.to.traffic);
    } else parts.push(p.summary);
    parts.push('effects: ' + (p.effects.length ? p.effects.map(function (e) { return e.kind; }).join(', ') : 'none'));
    (p.regionsAfter || []).forEach(function (r) {
      parts.push(r.name + ' after: serving ' + r.serving + ' of ' + r.desired + ', ' + r.inRotation + ' in rotation');
    });
    (p.reconciler || []).forEach(function (line) { parts.push('reconciler: ' + line); });
    return parts.join('; ') + ' (dry run: nothing changed)';
  }

  function describeError(e) {
    return e.status ? 'refused (' + e.status + (e.guard ? ', guard ' + e.guard : '') + '): ' + e.message
      : 'failed: ' + e.message;
  }

  // Transitions: a stamp's history is fetched only when its summary changed (or it is new).
  async function updateTimeline() {
    var fresh = [];
    for (var i = 0; i < state.stamps.length; i += 1) {
      var s = state.stamps[i];
      var signature = JSON.stringify([s.phase, s.traffic, s.phaseSince, s.cause]);
      var known = state.seen.get(s.id);
      if (known && known.signature === signature) continue;
      var detail = await call('GET', api('stamps/' + encodeURIComponent(s.id)));
      var history = detail.history || [];
      history.slice(known ? known.count : 0).forEach(function (t) { fresh.push(Object.assign({ stampId: s.id }, t)); });
      state.seen.set(s.id, { signature: signature, count: history.length });
    }
    if (fresh.length === 0) return false;
    state.timeline = state.timeline.concat(fresh)
      .sort(function (a, b) { return a.at < b.at ? 1 : a.at > b.at ? -1 : 0; })
      .slice(0, TIMELINE_MAX);
    return true;
  }

  function renderTimeline() {
    var list = $('timeline');
    list.replaceChildren.apply(list, state.timeline.map(function (t) {
      return el('li', { 'data-stamp-id': t.stampId }, [
        el('time', { datetime: t.at, text: when(t.at) }), document.createTextNode(' '),
        el('strong', { text: t.stampId }), document.createTextNode(' ' + move(t) + ' \u2014 ' + cause(t.cause)),
      ]);
    }));
  }

  function card(s) {
    var failing = state.sim && state.sim.failingStamps.indexOf(s.id) >= 0;
    var traffic = trafficText(s);
    var label = s.id + ', ' + s.phase + ', ' + traffic + (failing ? ', probe failing (simulated)' : '') + '. Open details';
    return el('li', {}, [el('button', {
      type: 'button', className: 'card phase-' + s.phase + (s.traffic === 'isolated' ? ' isolated' : ''),
      'data-stamp-id': s.id, 'data-phase': s.phase, 'data-traffic': s.traffic, 'aria-label': label,
    }, [
      el('strong', { text: s.id }), el('span', { className: 'badge', text: s.phase }),
      el('span', { className: 'traffic', text: traffic + (failing ? ' \u00b7 probe failing' : '') }),
      el('span', { className: 'traffic', text: s.replacedBy ? 'replaced by ' + s.replacedBy : s.replacementFor ? 'replaces ' + s.replacementFor : '' }),
      el('span', { className: 'why', text: cause(s.cause) }),
    ])]);
  }

  // What holds the region back from its desired count, in the reconciler's words.
  function heldBy(r) {
    var lines = [];
    if (r.blocked) lines.push('blocked until ' + when(r.blocked.until) + ': ' + r.blocked.reason);
    if (r.reconciler) lines = lines.concat(r.reconciler.heldBy);
    // A resolved alert's hold is over: its episode ended.
    if (r.capacitySignal && r.capacitySignal.outcome === 'held' && !r.capacitySignal.resolvedAt)
      lines.push('capacity alert ' + r.capacitySignal.signal + ' held: ' + r.capacitySignal.detail);
    return el('ul', { className: 'held', 'aria-label': 'what holds ' + r.name + ' back' },
      lines.map(function (line) { return el('li', { text: line }); }));
  }

  function desiredForm(r) {
    var input = el('input', { type: 'number', name: 'desired', min: String(r.desiredBounds ? r.desiredBounds.min : 0),
      max: String(r.max), value: String(r.desired), 'aria-label': 'desired stamps in ' + r.name });
    var reason = el('input', { name: 'reason', maxlength: '500', placeholder: 'reason', 'aria-label': 'reason for the change in ' + r.name });
    var form = el('form', { className: 'row desired-form', 'data-region': r.name }, [
      input, reason, el('button', { type: 'submit', className: 'secondary', text: 'Set desired' })]);
    return form;
  }

  // What an operator is typing into a region's desired form survives the re-render of a poll.
  function editedForms() {
    var edited = {};
    document.querySelectorAll('form.desired-form').forEach(function (form) {
      var region = form.getAttribute('data-region');
      var inputs = form.querySelectorAll('input[data-dirty]');
      if (inputs.length === 0) return;
      edited[region] = { desired: form.elements.desired.value, reason: form.elements.reason.value,
        focus: document.activeElement && form.contains(document.activeElement) ? document.activeElement.name : null };
    });
    return edited;
  }
  function restoreForms(edited) {
    Object.keys(edited).forEach(function (region) {
      var form = document.querySelector('form.desired-form[data-region="' + CSS.escape(region) + '"]');
      if (!form) return;
      form.elements.desired.value = edited[region].desired;
      form.elements.reason.value = edited[region].reason;
      form.elements.desired.setAttribute('data-dirty', '1');
      form.elements.reason.setAttribute('data-dirty', '1');
      if (edited[region].focus) form.elements[edited[region].focus].focus();
    });
  }
  document.addEventListener('input', function (event) {
    if (event.target.closest && event.target.closest('form.desired-form')) event.target.setAttribute('data-dirty', '1');
  });

  function renderFleet() {
    var showRetired = $('show-retired').checked;
    var focused = document.activeElement && document.activeElement.getAttribute('data-stamp-id');
    var edited = editedForms();
    var regions = $('regions');
    regions.replaceChildren.apply(regions, state.regions.map(function (r) {
      var holding = r.holding;
      var down = state.sim && state.sim.failedRegions.indexOf(r.name) >= 0;
      var load = state.sim && state.sim.load ? state.sim.load[r.name] : undefined;
      var bar = el('div', { className: 'bar' + (holding > r.max ? ' over' : ''), role: 'img',
        'aria-label': holding + ' of ' + r.max + ' places held, ' + r.inRotation + ' in rotation' }, [
        el('span', { className: 'holding' }), el('span', { className: 'serving' })]);
      bar.children[0].style.width = Math.min(100, (100 * holding) / r.max) + '%';
      bar.children[1].style.width = Math.min(100, (100 * r.inRotation) / r.max) + '%';
      var stamps = state.stamps.filter(function (s) { return s.region === r.name && (showRetired || !RETIRED[s.phase]); });
      return el('section', { className: 'region' + (down ? ' down' : ''), 'aria-label': 'region ' + r.name, 'data-region': r.name }, [
        el('header', {}, [el('h3', { text: r.name }), el('span', { className: 'meta', text: r.code + (down ? ' \u00b7 DOWN (simulated)' : '') })]),
        bar,
        el('div', { className: 'meta desired', text: 'desired ' + r.desired + ' \u00b7 serving ' + r.serving +
          (r.serving === r.desired ? '' : r.serving < r.desired ? ' (short ' + (r.desired - r.serving) + ')' : ' (surplus ' + (r.serving - r.desired) + ')') }),
        el('div', { className: 'meta', text: holding + ' / ' + r.max + ' held \u00b7 ' + r.inRotation + ' in rotation' +
          (load === undefined ? '' : ' \u00b7 load ' + load + '%') }),
        r.spares && (r.spares.target > 0 || r.spares.ready > 0) ? el('div', { className: 'meta spares', text: 'spares ' +
          r.spares.ready + ' of ' + r.spares.target + ' ready' + (r.spares.building ? ' \u00b7 ' + r.spares.building + ' building' : '') }) : null,
        heldBy(r),
        state.me && state.me.can.setDesired ? desiredForm(r) : null,
        el('ul', { className: 'cards', 'aria-label': 'stamps in ' + r.name }, stamps.map(card)),
      ]);
    }));
    if (focused) {
      var again = regions.querySelector('[data-stamp-id="' + CSS.escape(focused) + '"]');
      if (again) again.focus();
    }
    restoreForms(edited);
  }

  function fillList(id, pairs) {
    var dl = $(id);
    var nodes = [];
    pairs.forEach(function (p) { nodes.push(el('dt', { text: p[0] }), el('dd', { text: p[1] })); });
    if (nodes.length === 0) nodes.push(el('dt', { text: 'none' }), el('dd', { text: '' }));
    dl.replaceChildren.apply(dl, nodes);
  }

  async function renderDetail(id) {
    var s = await call('GET', api('stamps/' + encodeURIComponent(id)));
    if (state.open !== id) return;
    $('sd-title').textContent = 'Stamp ' + s.id;
    var facts = [['region', s.region], ['phase', s.phase + ' since ' + when(s.phaseSince)], ['traffic', s.traffic],
      ['cause', cause(s.cause)], ['health', s.health ? s.health.probe + (s.health.heldBy ? ' (isolation held by ' + s.health.heldBy + ')' : '') : '']];
    if (s.waitingFor) facts.push(['waiting for', s.waitingFor]);
    if (s.spare) facts.push(['spare', 'warm spare since ' + when(s.spare.since) + ': promoted when its region is short']);
    if (s.ramp) {
      facts.push(['ramp', 'step ' + s.ramp.step + ' of ' + s.ramp.steps + ': ' + s.ramp.percent + '% (origin weight ' + s.ramp.weight + ')' +
        (s.ramp.checkDueAt ? ', canary check ' + when(s.ramp.checkDueAt) : '')]);
      if (s.ramp.paused) facts.push(['ramp paused', 'by ' + s.ramp.paused.actor + ': ' + s.ramp.paused.reason]);
      if (s.ramp.lastCanary) facts.push(['last canary', s.ramp.lastCanary.verdict + ': ' + s.ramp.lastCanary.reason]);
    }
    if (s.replacementFor) facts.push(['replaces', s.replacementFor]);
    if (s.replacedBy) facts.push(['replaced by', s.replacedBy]);
    if (s.drain) facts.push(['drain', s.drain.reason + ', ' + when(s.drain.startedAt) + ' to ' + when(s.drain.endsAt)]);
    if (s.quarantine) facts.push(['quarantine checks', s.quarantine.checks + (s.quarantine.detail ? ': ' + s.quarantine.detail : '')]);
    if (s.quarantine && s.quarantine.results) s.quarantine.results.forEach(function (r) {
      facts.push(['check ' + r.name, (r.passed ? 'passed' : 'FAILED') + ': ' + r.detail]);
    });
    if (s.archivedAt) facts.push(['archived', when(s.archivedAt)]);
    if (s.archive) {
      facts.push(['archive', s.archive.location]);
      facts.push(['archive digest', s.archive.digest + ' (' + s.archive.records + ' records, immutable until ' + when(s.archive.retainUntil) + ')']);
    }
    fillList('sd-facts', facts);
    if (s.archive) {
      // Read back and verified by the server; shown where the archive is.
      call('GET', api('stamps/' + encodeURIComponent(id) + '/archive')).then(function (a) {
        if (state.open !== id) return;
        facts.push(['archive verified', a.verified ? 'yes: hash chain, digest, store and hold agree' : 'NO: ' + a.problems.join('; ')]);
        fillList('sd-facts', facts);
      }, function () { /* the facts above stand */ });
    }
    fillList('sd-deadlines', Object.keys(s.deadlines || {}).map(function (k) { return [DEADLINES[k] || k, when(s.deadlines[k])]; }));
    var body = $('sd-history');
    body.replaceChildren.apply(body, (s.history || []).slice().reverse().map(function (t) {
      if (t.refused) {
        return el('tr', { className: 'refused' }, [el('td', { text: when(t.at) }),
          el('td', { text: 'refused (' + t.refused.guard + ')' }), el('td', { text: cause(t.cause) + ': ' + t.refused.reason })]);
      }
      return el('tr', {}, [el('td', { text: when(t.at) }), el('td', { text: move(t) }), el('td', { text: cause(t.cause) })]);
    }));
    renderPhases(s.history || [], state.sim && state.sim.now ? state.sim.now : new Date().toISOString());
    var measured = state.metrics && state.metrics.stamps.filter(function (m) { return m.id === s.id; })[0];
    var box = $('sd-metrics');
    box.replaceChildren.apply(box, measured ? sparks(measured.series, state.metrics.metrics, s.id) :
      [el('p', { className: 'meta', text: 'no metrics: the stamp is not live' })]);
    $('sd-sim').hidden = !state.local;
  }

  // What was done with the alerts that arrived: nothing dropped goes unseen.
  function renderSignals() {
    var sig = state.signals;
    if (!sig) return;
    fillList('sig-counts', [
      ['accepted', String(sig.counts.accepted)],
      ['duplicate', sig.duplicates.count + ' (this instance)'],
      ['unmatched', String(sig.counts.unmatched)],
      ['rejected', String(sig.counts.rejected)],
    ]);
    var burst = $('sig-burst');
    burst.hidden = !sig.burst.incident;
    burst.textContent = sig.burst.incident ? sig.burst.notAccepted + ' alerts not accepted in ' + sig.burst.windowMinutes +
      ' minutes: an incident was raised. Check the alert rules and the senders.' : '';
    var list = $('sig-recent');
    list.replaceChildren.apply(list, sig.recent.slice(0, 20).map(function (r) {
      return el('li', { className: 'signal-' + r.outcome }, [
        el('span', { text: when(r.receivedAt) + ' ' + r.outcome + (r.stampId ? ' ' + r.stampId : '') + ': ' }),
        el('span', { text: r.reason || '' }),
      ]);
    }));
  }

  // ---- monitoring: small SVG plots, each a labelled image whose label says what it shows ----
  var SVGNS = 'http://www.w3.org/2000/svg';
  var METRIC_ORDER = ['latencyMs', 'errorPercent', 'requestsPerMinute', 'nodePoolUtilization', 'queueDepth', 'requestUnits'];
  function fmt(v) { return Math.abs(v) >= 100 ? String(Math.round(v)) : String(Math.round(v * 10) / 10); }
  function svgNode(tag, attrs) {
    var node = document.createElementNS(SVGNS, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function sparkline(name, points, meta, subject) {
    var W = 100, H = 30;
    var values = points.filter(function (v) { return v !== null; });
    var last = null;
    for (var i = points.length - 1; i >= 0; i -= 1) if (points[i] !== null) { last = points[i]; break; }
    var peak = values.length ? Math.max.apply(null, values) : 0;
    var top = peak > 0 ? peak : 1;
    var step = W / Math.max(1, points.length - 1);
    var d = '';
    var pen = false;
    points.forEach(function (v, i) {
      // A minute without a point is a gap in the line, never a zero.
      if (v === null) { pen = false; return; }
      d += (pen ? 'L' : 'M') + (i * step).toFixed(2) + ' ' + (H - 1 - (v / top) * (H - 2)).toFixed(2) + ' ';
      pen = true;
    });
    var svg = svgNode('svg', { viewBox: '0 0 ' + W + ' ' + H, preserveAspectRatio: 'none', 'aria-hidden': 'true', focusable: 'false' });
    svg.appendChild(svgNode('line', { x1: '0', y1: String(H - 0.5), x2: String(W), y2: String(H - 0.5), 'class': 'base' }));
    if (d) svg.appendChild(svgNode('path', { d: d, 'class': 'line' }));
    var summary = meta.label + ' of ' + subject + ': ' + (last === null ? 'no data in the window' :
      'now ' + fmt(last) + ' ' + meta.unit + ', peak ' + fmt(peak) + ' ' + meta.unit + ' over ' + values.length + ' points');
    var alarm = name === 'errorPercent' && peak >= 5;
    return el('figure', { className: 'metric' + (alarm ? ' alarm' : ''), role: 'img', 'aria-label': summary, 'data-metric': name,
      'data-points': String(values.length) }, [
      el('figcaption', {}, [el('span', { text: meta.label }), el('strong', { text: last === null ? '\u2013' : fmt(last) + ' ' + meta.unit })]),
      svg,
    ]);
  }
  function sparks(series, metrics, subject) {
    return METRIC_ORDER.map(function (k) { return sparkline(k, series[k], metrics[k], subject); });
  }
  function renderMetrics() {
    var m = state.metrics;
    if (!m) return;
    var drawn = JSON.stringify([m.to, m.regions]);
    if (drawn === state.metricsDrawn) return;
    state.metricsDrawn = drawn;
    $('mon-source').textContent = (state.local ? 'the simulation\u2019s model of Azure Monitor' : 'Azure Monitor platform metrics') +
      ', ' + when(m.from) + ' to ' + when(m.to) + '. A region\u2019s latency and 5xx share are weighted by its stamps\u2019 requests.';
    var box = $('metrics');
    box.replaceChildren.apply(box, m.regions.map(function (r) {
      return el('section', { className: 'metric-region', 'data-region': r.name, 'aria-label': 'monitoring of ' + r.name }, [
        el('h3', { text: r.name + ' \u00b7 ' + r.stamps.length + ' live stamps' }),
        el('div', { className: 'sparks' }, sparks(r.series, m.metrics, r.name)),
      ]);
    }));
  }

  function renderIncidents() {
    var inc = state.incidents;
    if (!inc) return;
    var list = $('incidents');
    var items = inc.incidents.map(function (i) {
      return el('li', { 'data-incident': i.kind }, [
        el('time', { datetime: i.raisedAt, text: when(i.raisedAt) }), document.createTextNode(' '),
        el('span', { className: 'incident-kind', text: i.kind }),
        document.createTextNode((i.stampId ? ' ' + i.stampId : '') + ': ' + i.detail),
      ]);
    });
    list.replaceChildren.apply(list, items.length ? items : [el('li', { text: 'no incident raised' })]);
  }

  // Where a stamp spent its time: its phases in order from the audit history, the last one until now.
  function duration(ms) {
    var m = Math.round(ms / 60000);
    if (m < 120) return m + ' min';
    var h = Math.round(m / 60);
    return h < 72 ? h + ' h' : Math.round(h / 24) + ' d';
  }
  function renderPhases(history, now) {
    var spans = [];
    history.forEach(function (t) {
      if (t.refused || !t.to) return;
      var last = spans[spans.length - 1];
      if (last && last.phase === t.to) return;
      if (last) last.end = t.at;
      spans.push({ phase: t.to, start: t.at, end: null });
    });
    if (spans.length) spans[spans.length - 1].end = now;
    var totals = {};
    var order = [];
    var bar = $('sd-phases');
    bar.replaceChildren.apply(bar, spans.map(function (p) {
      var ms = Math.max(0, Date.parse(p.end) - Date.parse(p.start));
      if (!(p.phase in totals)) { totals[p.phase] = 0; order.push(p.phase); }
      totals[p.phase] += ms;
      var span = el('span', { className: 'phase-' + p.phase, 'data-phase': p.phase, title: p.phase + ' ' + duration(ms) });
      span.style.flexGrow = String(Math.max(ms, 1));
      return span;
    }));
    $('sd-phases-text').textContent = order.length ? order.map(function (k) { return k + ' ' + duration(totals[k]); }).join(' \u00b7 ') : 'no history';
  }

  async function refresh() {
    // The simulation first and on its own: while a chaos fault has the store down, the API
    // answers 503, and the faults (and their Clear buttons) must still show.
    if (state.local) {
      state.sim = await call('GET', '/sim/state').catch(function () { return state.sim; });
      renderChaos();
    }
    try {
      // The signal counts, incidents and metrics are queries over logs and Azure Monitor: every
      // fifth refresh is often enough. Each may fail alone; the rest of the page still updates.
      var slow = state.polls++ % 5 === 0;
      // Metrics are Azure Monitor reads (throttled per subscription): once a minute at most.
      var metricsDue = !state.metricsAt || Date.now() - state.metricsAt >= METRICS_EVERY_MS;
      if (metricsDue) state.metricsAt = Date.now();
      var answers = await Promise.all([
        call('GET', api('stamps')), call('GET', api('regions')),
        Promise.resolve(state.sim),
        slow ? call('GET', api('signals')).catch(function () { return null; }) : Promise.resolve(state.signals),
        slow ? call('GET', api('incidents?minutes=1440&limit=20')).catch(function () { return state.incidents; }) : Promise.resolve(state.incidents),
        metricsDue ? call('GET', api('metrics?minutes=60')).catch(function () { return state.metrics; }) : Promise.resolve(state.metrics),
      ]);
      state.stamps = answers[0].stamps;
      state.regions = answers[1].regions;
      state.sim = answers[2];
      state.signals = answers[3];
      state.incidents = answers[4];
      state.metrics = answers[5];
      renderSignals();
      renderIncidents();
      renderMetrics();
      var timelineChanged = await updateTimeline();
      var drawn = JSON.stringify([state.stamps, state.regions, state.sim && [state.sim.failingStamps, state.sim.failedRegions, state.sim.load], $('show-retired').checked]);
      if (drawn !== state.drawn) { state.drawn = drawn; renderFleet(); }
      if (timelineChanged) renderTimeline();
      if (state.open) await renderDetail(state.open);
      $('status').textContent = 'updated ' + new Date().toLocaleTimeString() + ' \u00b7 ' + updatesText() + (state.local ? ' \u00b7 local simulation' : '');
      $('clock').textContent = state.sim ? 'simulated time ' + when(state.sim.now) : '';
    } catch (e) {
      $('status').textContent = 'cannot reach the control plane: ' + e.message;
    }
  }
  function loop() { refresh().finally(function () { setTimeout(loop, live.on ? SLOW_REFRESH_MS : pollMs); }); }
  function updatesText() { return live.on ? 'live updates' : 'polling every ' + (pollMs / 1000) + ' s'; }
  function startLive() {
    var source = new EventSource(api('events'));
    live.source = source;
    source.addEventListener('open', function () { live.failures = 0; live.on = true; });
    source.addEventListener('fleet', function () { live.on = true; refresh(); });
    source.addEventListener('error', function () {
      // Each answer ends its response and the browser reconnects (after 'retry'): an error then
      // is a reconnect. Three in a row without an open in between: the stream is not working.
      live.failures += 1;
      if (live.failures < 3) return;
      source.close();
      live.on = false;
      live.wanted = false;
      $('status').textContent = 'live updates unavailable; polling every ' + (pollMs / 1000) + ' s';
    });
  }

  async function openStamp(id, opener) {
    state.open = id;
    state.opener = opener;
    setMessage('sd-message', '', true);
    await renderDetail(id);
    var dialog = $('stamp-dialog');
    if (!dialog.open) dialog.showModal();
  }

  document.addEventListener('click', function (event) {
    var target = event.target.closest('button.card');
    if (target) openStamp(target.getAttribute('data-stamp-id'), target).catch(function (e) { $('status').textContent = describeError(e); });
  });
  $('stamp-dialog').addEventListener('close', function () {
    state.open = null;
    var opener = state.opener && document.querySelector('button.card[data-stamp-id="' + CSS.escape(state.opener.getAttribute('data-stamp-id')) + '"]');
    if (opener) opener.focus();
  });
  $('sd-close').addEventListener('click', function () { $('stamp-dialog').close(); });
  $('show-retired').addEventListener('change', function () { refresh(); });

  $('sd-ops').addEventListener('submit', async function (event) {
    event.preventDefault();
    var action = event.submitter ? event.submitter.value : 'drain';
    var reason = $('op-reason').value.trim();
    var minutes = $('op-minutes').value;
    // The command's row of the table the page was given (COMMANDS, before this script).
    var spec = COMMANDS[action];
    var body = {};
    if (reason) body.reason = reason;
    if (spec.override && $('op-override').checked) body.override = true;
    if (spec.drainMinutes && minutes) body.drainMinutes = Number(minutes);
    if (spec.reason === 'required' && !reason)
      return setMessage('sd-message', action + ' needs a reason: it goes into the audit record', false);
    if (body.override && !reason) return setMessage('sd-message', 'an override needs a reason: it goes into the audit record', false);
    var id = state.open;
    var target = api('stamps/' + encodeURIComponent(id) + '/' + action);
    if ($('op-dry-run').checked) {
      try {
        setMessage('sd-message', action + ' would: ' + previewText(await call('POST', target + '?dryRun=true', body)), true);
      } catch (e) {
        setMessage('sd-message', action + ' would be ' + describeError(e) + ' (dry run: nothing changed)', false);
      }
      return;
    }
    try {
      var s = await call('POST', target, body);
      setMessage('sd-message', action + ' accepted for ' + s.id + ' (was ' + s.phase + ', ' + s.traffic + ')', true);
    } catch (e) {
      setMessage('sd-message', action + ' ' + describeError(e), false);
    }
    await refresh();
  });

  document.addEventListener('submit', async function (event) {
    var form = event.target.closest('form.desired-form');
    if (!form) return;
    event.preventDefault();
    var region = form.getAttribute('data-region');
    var desired = Number(form.elements.desired.value);
    var reason = form.elements.reason.value.trim();
    if (!reason) return setMessage('fleet-message', 'setting the desired count of ' + region + ' needs a reason', false);
    try {
      await call('PUT', api('regions/' + encodeURIComponent(region)), { desired: desired, reason: reason });
      form.querySelectorAll('input[data-dirty]').forEach(function (input) { input.removeAttribute('data-dirty'); });
      setMessage('fleet-message', region + ': desired set to ' + desired + '; the fleet reconciler follows', true);
    } catch (e) {
      setMessage('fleet-message', region + ': ' + describeError(e), false);
    }
    await refresh();
  });

  async function sim(path, body, messageId, done) {
    try {
      await call('POST', path, body);
      setMessage(messageId, done, true);
    } catch (e) {
      setMessage(messageId, describeError(e), false);
    }
    await refresh();
  }
  $('sd-sim').addEventListener('click', function (event) {
    var button = event.target.closest('button[data-stamp-sim]');
    if (!button || !state.open) return;
    var action = button.getAttribute('data-stamp-sim');
    sim('/sim/stamps/' + encodeURIComponent(state.open) + '/' + action, {}, 'sd-message',
      'simulated: ' + state.open + (action === 'fail' ? ' health probes failing' : ' recovered'));
  });
  $('sim-region').addEventListener('click', function (event) {
    var button = event.target.closest('button[data-sim]');
    if (!button) return;
    var region = $('sim-region-name').value;
    var action = button.getAttribute('data-sim');
    sim('/sim/regions/' + encodeURIComponent(region) + '/' + action, {}, 'sim-message',
      'simulated: region ' + region + (action === 'fail' ? ' down' : ' recovered'));
  });
  $('sim-load').addEventListener('submit', function (event) {
    event.preventDefault();
    var region = $('sim-region-name').value;
    var utilization = Number($('sim-load-value').value);
    sim('/sim/regions/' + encodeURIComponent(region) + '/load', { utilization: utilization }, 'sim-message',
      'simulated: ' + region + ' load ' + utilization + '%');
  });
  $('sim-clock').addEventListener('submit', function (event) {
    event.preventDefault();
    var minutes = Number($('sim-clock-minutes').value);
    sim('/sim/clock/advance', { minutes: minutes }, 'sim-message', 'clock advanced ' + minutes + ' min');
  });

  // The chaos console: the kinds come from the local host (GET /sim/chaos), the active faults
  // with every /sim/state.
  function chaosSpec() { return state.chaosKinds ? state.chaosKinds[$('chaos-kind').value] : null; }
  function showChaosFields() {
    var spec = chaosSpec();
    if (!spec) return;
    $('chaos-region-label').hidden = spec.target !== 'region';
    $('chaos-stamp-label').hidden = spec.target !== 'stamp';
    $('chaos-minutes-label').hidden = !spec.timed;
    $('chaos-delay-label').hidden = $('chaos-kind').value !== 'delay-alerts';
    $('chaos-summary').textContent = spec.summary;
  }
  function renderChaos() {
    var active = (state.sim && state.sim.chaos) || [];
    var drawn = JSON.stringify(active);
    if (drawn === state.chaosDrawn) return;
    state.chaosDrawn = drawn;
    var list = $('chaos-active');
    var items = active.map(function (f) {
      var text = f.id + ': ' + f.summary + (f.until ? ' (until ' + when(f.until) + ')' : '') + (f.effect ? ' \u2014 ' + f.effect : '');
      return el('li', { className: 'fault' }, [
        el('span', { text: text }),
        el('button', { type: 'button', className: 'secondary', text: 'Clear', 'data-fault-id': f.id, 'aria-label': 'clear ' + f.id }),
      ]);
    });
    list.replaceChildren.apply(list, items.length ? items : [el('li', { text: 'no fault injected' })]);
    $('chaos-clear-all').disabled = active.length === 0;
  }
  $('chaos-kind').addEventListener('change', showChaosFields);
  $('chaos-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var kind = $('chaos-kind').value;
    var spec = chaosSpec();
    if (!spec) return;
    var body = {};
    if (spec.target === 'region') body.region = $('chaos-region').value;
    if (spec.target === 'stamp') {
      body.stampId = $('chaos-stamp').value.trim();
      if (!body.stampId) return setMessage('chaos-message', kind + ' needs a stamp id', false);
    }
    if (spec.timed) body.minutes = Number($('chaos-minutes').value);
    if (kind === 'delay-alerts') body.delayMinutes = Number($('chaos-delay').value);
    sim('/sim/chaos/' + encodeURIComponent(kind), body, 'chaos-message', 'injected: ' + kind);
  });
  $('chaos-active').addEventListener('click', function (event) {
    var button = event.target.closest('button[data-fault-id]');
    if (!button) return;
    var id = button.getAttribute('data-fault-id');
    sim('/sim/chaos/' + encodeURIComponent(id) + '/clear', {}, 'chaos-message', 'cleared: ' + id);
  });
  $('chaos-clear-all').addEventListener('click', function () {
    sim('/sim/chaos/clear', {}, 'chaos-message', 'every fault cleared');
  });
  async function startChaos() {
    var answer = await call('GET', '/sim/chaos');
    state.chaosKinds = answer.kinds;
    var kinds = $('chaos-kind');
    kinds.replaceChildren.apply(kinds, Object.keys(answer.kinds).map(function (k) { return el('option', { value: k, text: k }); }));
    var regions = $('chaos-region');
    regions.replaceChildren.apply(regions, state.regions.map(function (r) { return el('option', { value: r.name, text: r.name }); }));
    showChaosFields();
    renderChaos();
  }

  // Offers only what the signed-in principal may do; the routes check it again.
  function applyPermissions(me) {
    state.me = me;
    var roles = me.can.roles.length ? me.can.roles.join(', ') : 'no Stamps role';
    $('user').textContent = me.name + ' (' + roles + ')';
    document.querySelectorAll('#sd-ops button[type=submit]').forEach(function (b) {
      b.hidden = !me.can.commands[b.value];
    });
    $('op-override-label').hidden = !me.can.override;
    var any = Object.keys(me.can.commands).some(function (c) { return me.can.commands[c]; });
    $('sd-ops').hidden = !any;
  }

  async function start() {
    try {
      applyPermissions(await call('GET', api('me')));
    } catch (e) {
      $('user').textContent = 'not signed in: ' + describeError(e);
    }
    try {
      // The local host answers /sim/state; on Azure it is a 404 and the controls stay hidden.
      var response = await fetch('/sim/state', { cache: 'no-store' });
      state.local = response.ok;
    } catch (e) {
      state.local = false;
    }
    $('sim').hidden = !state.local;
    await refresh();
    var select = $('sim-region-name');
    select.replaceChildren.apply(select, state.regions.map(function (r) { return el('option', { value: r.name, text: r.name }); }));
    if (state.local) await startChaos().catch(function (e) { setMessage('chaos-message', describeError(e), false); });
    if (live.wanted) startLive();
    setTimeout(loop, live.wanted ? SLOW_REFRESH_MS : pollMs);
  }
  window.stampsDashboard = { refresh: refresh };
  start();
})();
`;

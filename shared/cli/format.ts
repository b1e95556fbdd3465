import type { CauseView, RegionView, StampSummary, TransitionView } from './views';

/** Left-aligned columns, two spaces apart, for a terminal. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function describeCause(cause: CauseView): string {
  const who = cause.actor === undefined ? '' : ` by ${cause.actor}`;
  const override = cause.overriddenGuard === undefined ? '' : ` [overrode ${cause.overriddenGuard}]`;
  return `${cause.kind}${who}: ${cause.reason}${override}`;
}

export function stampsTable(stamps: readonly StampSummary[]): string {
  if (stamps.length === 0) return 'no stamps';
  return table(
    ['ID', 'REGION', 'PHASE', 'TRAFFIC', 'SINCE', 'CAUSE'],
    stamps.map((s) => [s.id, s.region, s.phase, trafficOf(s), s.phaseSince, describeCause(s.cause)]),
  );
}

/** The traffic column: a spare says so, a ramping stamp shows its step's share. */
function trafficOf(s: StampSummary): string {
  if (s.ramp !== undefined)
    return `${s.traffic} (ramp ${s.ramp.percent}%${s.ramp.paused === null ? '' : ', paused'})`;
  return s.traffic === 'standby' ? 'standby (spare)' : s.traffic;
}

/** `from → to`, with the traffic change and the ramp step when the record has them. */
export function describeMove(t: TransitionView): string {
  const phase = t.from === null ? `created ${t.to}` : t.from === t.to ? t.to : `${t.from} → ${t.to}`;
  const moved = t.traffic === undefined ? phase : `${phase} (${t.traffic.from} → ${t.traffic.to})`;
  const held = t.ramp?.paused === true ? 'paused ' : t.ramp?.paused === false ? 'continues ' : '';
  const ramp =
    t.ramp === undefined
      ? ''
      : t.ramp.from === null
        ? `, ramp starts at ${t.ramp.to}%`
        : t.ramp.from === t.ramp.to
          ? `, ramp ${held}at ${t.ramp.to}%`
          : `, ramp ${t.ramp.from}% → ${t.ramp.to}%`;
  const canary = t.canary === undefined ? '' : `; canary ${t.canary.verdict}: ${t.canary.reason}`;
  return `${moved}${ramp}${canary}`;
}

const DEADLINE_LABELS: Readonly<Record<string, string>> = {
  registrationTimeoutAt: 'registration timeout',
  isolationDecisionAt: 'isolation decision',
  isolationGraceEndsAt: 'isolation grace ends',
  drainEndsAt: 'drain ends',
  purgeDueAt: 'purge due',
  rampStepDueAt: 'ramp step checked',
};

export function stampDetail(stamp: StampSummary, history: readonly TransitionView[]): string {
  const lines = [
    `stamp     ${stamp.id}`,
    `region    ${stamp.region}`,
    `phase     ${stamp.phase} since ${stamp.phaseSince}`,
    `traffic   ${stamp.traffic}`,
    `cause     ${describeCause(stamp.cause)}`,
  ];
  if (stamp.waitingFor !== null) lines.push(`waiting   ${stamp.waitingFor}`);
  if (stamp.replacementFor !== null) lines.push(`replaces  ${stamp.replacementFor}`);
  if (stamp.replacedBy !== null) lines.push(`replaced by ${stamp.replacedBy}`);
  const ramp = stamp.ramp;
  if (ramp !== undefined) {
    lines.push(
      `ramp      step ${ramp.step} of ${ramp.steps}: ${ramp.percent}% of a full weight (origin weight ${ramp.weight})${ramp.checkDueAt === null ? '' : `, canary check at ${ramp.checkDueAt}`}`,
    );
    if (ramp.paused !== null) lines.push(`          paused by ${ramp.paused.actor}: ${ramp.paused.reason}`);
    if (ramp.lastCanary !== null)
      lines.push(`          last canary ${ramp.lastCanary.verdict}: ${ramp.lastCanary.reason}`);
  }
  const deadlines = Object.entries(stamp.deadlines);
  if (deadlines.length > 0) {
    lines.push('', 'deadlines');
    for (const [k, at] of deadlines) lines.push(`  ${DEADLINE_LABELS[k] ?? k}: ${at}`);
  }
  lines.push('', 'history');
  lines.push(
    table(
      ['AT', 'TRANSITION', 'CAUSE'],
      history.map((t) => [
        t.at,
        t.refused === undefined ? describeMove(t) : `refused (${t.refused.guard})`,
        t.refused === undefined ? describeCause(t.cause) : `${describeCause(t.cause)}: ${t.refused.reason}`,
      ]),
    ),
  );
  return lines.join('\n');
}

export function regionsTable(regions: readonly RegionView[]): string {
  return table(
    ['REGION', 'DESIRED', 'SERVING', 'MAX', 'HOLDING', 'IN ROTATION', 'SPARES', 'BY PHASE', 'HELD BY'],
    regions.map((r) => {
      const holding = r.holding;
      const byPhase = Object.entries(r.counts)
        .filter(([, n]) => n > 0)
        .map(([p, n]) => `${p} ${n}`)
        .join(', ');
      return [
        r.name,
        String(r.desired),
        String(r.serving),
        String(r.max),
        String(holding),
        String(r.inRotation),
        r.spares.target === 0 && r.spares.ready === 0
          ? '-'
          : `${r.spares.ready}/${r.spares.target}${r.spares.building > 0 ? ` (+${r.spares.building} building)` : ''}`,
        byPhase || '-',
        r.heldBy.join('; ') || '-',
      ];
    }),
  );
}

export function transitionLine(stampId: string, t: TransitionView): string {
  return `${t.at}  ${stampId.padEnd(8)}  ${describeMove(t)}  (${describeCause(t.cause)})`;
}

/** `stampctl archive`: where the archive is, whether it verified, and its hold. */
export function archiveSummary(body: unknown): string {
  const a = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const hold = (a['hold'] ?? {}) as Record<string, unknown>;
  const problems = Array.isArray(a['problems']) ? (a['problems'] as unknown[]).map(String) : [];
  return [
    `archive of ${String(a['stampId'])}: ${String(a['location'])}`,
    `  ${String(a['records'])} audit records, SHA-256 chain head ${String(a['digest'])}`,
    `  immutable until ${String(a['retainUntil'])}; legal hold ${hold['legalHold'] === true ? 'on' : 'off'}`,
    a['verified'] === true
      ? '  verified: the hash chain holds, its head is the recorded digest, the store agrees'
      : `  NOT VERIFIED:\n${problems.map((p) => `    - ${p}`).join('\n')}`,
  ].join('\n');
}

/** A scalar as it reads; anything else as JSON. */
function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : (JSON.stringify(value) ?? '');
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** A dry run's answer, for a person: what would change, what would run, and the capacity after. */
export function previewSummary(body: unknown): string {
  const preview = record(body);
  const lines = [`dry run (${text(preview['outcome'])}): ${text(preview['summary'])}`];
  const transition = record(preview['transition']);
  const to = record(transition['to']);
  if (to['phase'] !== undefined) {
    const from = record(transition['from']);
    const before = from['phase'] === undefined ? 'new' : `${text(from['phase'])}/${text(from['traffic'])}`;
    lines.push(`  would go   ${before} → ${text(to['phase'])}/${text(to['traffic'])}`);
  }
  const effects = Array.isArray(preview['effects'])
    ? preview['effects'].map((e) => text(record(e)['kind']))
    : [];
  lines.push(`  effects    ${effects.length === 0 ? 'none' : effects.join(', ')}`);
  for (const region of Array.isArray(preview['regionsAfter']) ? preview['regionsAfter'] : []) {
    const r = record(region);
    lines.push(
      `  ${text(r['name'])} after: desired ${text(r['desired'])}, serving ${text(r['serving'])}, ${text(r['inRotation'])} in rotation, holding ${text(r['holding'])} of ${text(r['max'])}`,
    );
  }
  const deployment = record(preview['deployment']);
  if (Object.keys(deployment).length > 0) lines.push(...deploymentLines(deployment));
  const reconciler = Array.isArray(preview['reconciler']) ? preview['reconciler'].map(String) : [];
  for (const line of reconciler) lines.push(`  reconciler ${line}`);
  lines.push('nothing was changed');
  return lines.join('\n');
}

/** A stamp request's deployment preview: what-if totals, quota and the permission check. */
function deploymentLines(deployment: Record<string, unknown>): string[] {
  if (deployment['unavailable'] !== undefined) return [`  deployment ${text(deployment['unavailable'])}`];
  const byType = record(deployment['byType']);
  const total = Object.values(byType).reduce<number>((sum, n) => sum + (typeof n === 'number' ? n : 0), 0);
  const changes = Object.entries(record(deployment['byChange'])).map(([kind, n]) => `${kind} ${text(n)}`);
  const lines = [
    `  deployment ${total} resources of ${Object.keys(byType).length} types (${changes.join(', ')})`,
  ];
  if (deployment['quotaLeft'] !== undefined)
    lines.push(`  quota      ${text(deployment['quotaLeft'])} more stamps allowed in the region`);
  const permissions = record(deployment['permissions']);
  const refused = Array.isArray(permissions['refused']) ? permissions['refused'] : [];
  lines.push(
    permissions['checked'] !== true
      ? '  roles      not checked (the permissions could not be read)'
      : refused.length === 0
        ? '  roles      every write allowed'
        : `  roles      refuse ${refused.map((r) => text(record(r)['action'])).join(', ')}`,
  );
  return lines;
}

/**
 * The dashboard's stylesheet. Phase colours are light tints with dark text (contrast above 7:1)
 * plus a strong left border and the phase written out, so colour is never the only cue.
 */
export const DASHBOARD_CSS = String.raw`
:root { color-scheme: light; --ink: #111827; --muted: #4b5563; --line: #d1d5db; --bg: #f9fafb; --focus: #1d4ed8;
  font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
* { box-sizing: border-box; }
body { margin: 0; }
header { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: baseline; padding: .75rem 1rem;
  background: #111827; color: #f9fafb; }
header h1 { font-size: 1.2rem; margin: 0; }
header .status { font-size: .9rem; color: #e5e7eb; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(280px, 1fr); gap: 1rem; padding: 1rem; }
h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
h3 { font-size: 1rem; margin: 0; }
.regions { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: .75rem; }
.region { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .75rem; }
.region.down { border: 2px solid #b91c1c; }
.region header { all: unset; display: flex; justify-content: space-between; align-items: baseline; gap: .5rem; }
.meta { color: var(--muted); font-size: .85rem; }
.meta.desired { color: var(--ink); font-weight: 600; }
.held { list-style: none; margin: .2rem 0; padding: 0; font-size: .8rem; color: #92400e; overflow-wrap: anywhere; }
.desired-form { margin: .3rem 0; gap: .3rem; }
.desired-form input[type=number] { width: 4rem; }
.desired-form input[name=reason] { flex: 1 1 6rem; min-width: 0; }
tr.refused td { color: #b91c1c; }
.bar { position: relative; height: 12px; background: #e5e7eb; border-radius: 6px; overflow: hidden; margin: .4rem 0 .2rem; }
.bar span { position: absolute; top: 0; bottom: 0; left: 0; }
.bar .holding { background: #93c5fd; }
.bar .serving { background: #15803d; }
.bar.over .holding { background: #f59e0b; }
.cards { list-style: none; padding: 0; margin: .5rem 0 0; display: grid; gap: .4rem; }
.card { width: 100%; text-align: left; font: inherit; color: var(--ink); cursor: pointer; border: 1px solid var(--line);
  border-left: 6px solid var(--edge, #6b7280); border-radius: 6px; padding: .4rem .6rem; background: var(--tint, #fff);
  display: grid; grid-template-columns: 1fr auto; gap: 0 .5rem; }
.card strong { font-size: 1rem; }
.card .traffic { font-size: .85rem; }
.card .traffic + .traffic { text-align: right; }
.card .why { grid-column: 1 / -1; font-size: .8rem; color: #374151; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.card.isolated { outline: 2px dashed #b91c1c; outline-offset: -2px; }
.badge { justify-self: end; align-self: start; font-size: .75rem; font-weight: 600; padding: 0 .4rem; border-radius: 999px; background: #fff; border: 1px solid currentColor; }
.phase-provisioning { --tint: #dbeafe; --edge: #1d4ed8; }
.phase-registering { --tint: #e0e7ff; --edge: #4338ca; }
.phase-active { --tint: #dcfce7; --edge: #15803d; }
.phase-draining { --tint: #fef3c7; --edge: #b45309; }
.phase-quarantined { --tint: #ffedd5; --edge: #c2410c; }
.phase-decommissioning { --tint: #f3e8ff; --edge: #7e22ce; }
.phase-archived { --tint: #e5e7eb; --edge: #4b5563; }
.phase-purged { --tint: #f3f4f6; --edge: #9ca3af; }
.phase-failed { --tint: #fee2e2; --edge: #b91c1c; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .75rem; margin-bottom: 1rem; }
.timeline { list-style: none; margin: 0; padding: 0; max-height: 60vh; overflow-y: auto; }
.timeline li { border-bottom: 1px solid #e5e7eb; padding: .35rem 0; font-size: .85rem; }
.timeline time { color: var(--muted); font-variant-numeric: tabular-nums; }
form.row, .row { display: flex; flex-wrap: wrap; gap: .4rem; align-items: end; margin: .4rem 0; }
label { display: grid; gap: .1rem; font-size: .85rem; color: #374151; }
input, select { font: inherit; padding: .3rem .4rem; border: 1px solid #6b7280; border-radius: 4px; min-width: 0; }
input[type=checkbox] { width: 1.1rem; height: 1.1rem; }
label.check { display: flex; align-items: center; gap: .3rem; }
button { font: inherit; padding: .35rem .7rem; border-radius: 4px; border: 1px solid #1f2937; background: #1f2937; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #1f2937; }
button.danger { background: #b91c1c; border-color: #b91c1c; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.card:focus-visible { outline: 3px solid var(--focus); }
.counts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .75rem; margin: .3rem 0; font-size: .9rem; }
.counts dd { margin: 0; font-variant-numeric: tabular-nums; }
#sig-recent { max-height: 30vh; }
.signal-rejected { color: #991b1b; }
.message { min-height: 1.2em; font-size: .9rem; margin: .3rem 0; }
.message.error { color: #991b1b; }
.message.ok { color: #166534; }
dialog { width: min(760px, 96vw); max-height: 92vh; border: 1px solid var(--line); border-radius: 10px; padding: 1rem; }
dialog::backdrop { background: rgb(17 24 39 / .5); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .8rem; margin: .5rem 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
th, td { text-align: left; padding: .25rem .4rem; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
/* The hidden attribute wins over the display of labels and rows (the chaos form hides fields). */
[hidden] { display: none !important; }
.fault { display: flex; gap: .5rem; align-items: center; justify-content: space-between; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.metric-regions { display: grid; gap: .75rem; }
.metric-region h3 { margin-bottom: .3rem; }
.sparks { display: grid; grid-template-columns: repeat(auto-fill, minmax(112px, 1fr)); gap: .4rem; }
.monitoring { margin-top: .75rem; }
.metric { margin: 0; border: 1px solid #e5e7eb; border-radius: 6px; padding: .3rem .4rem; }
.metric figcaption { font-size: .8rem; color: var(--muted); display: grid; }
.metric figcaption strong { color: var(--ink); font-variant-numeric: tabular-nums; }
.metric svg { display: block; width: 100%; height: 36px; }
.metric .line { fill: none; stroke: #1d4ed8; stroke-width: 1.5; vector-effect: non-scaling-stroke; }
.metric .base { stroke: #e5e7eb; stroke-width: 1; vector-effect: non-scaling-stroke; }
.metric.alarm .line { stroke: #b91c1c; }
.phases { display: flex; height: 18px; border-radius: 4px; overflow: hidden; border: 1px solid var(--line); }
.phases span { border-left: 6px solid var(--edge, #6b7280); background: var(--tint, #fff); min-width: 2px; }
.incident-kind { font-weight: 600; color: #991b1b; }
@media (max-width: 820px) {
  main { grid-template-columns: 1fr; padding: .5rem; }
  .timeline { max-height: 40vh; }
  dl { grid-template-columns: 1fr; }
  dialog { padding: .6rem; }
}
`;

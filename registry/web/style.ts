/**
 * The marketplace's one stylesheet: light and dark (the reader's system
 * setting, or the choice they saved), readable on a phone, visible focus.
 * Every colour pair here meets WCAG AA contrast (4.5:1 for text).
 */
export const STYLE_CSS = `
:root {
  color-scheme: light;
  --bg: #ffffff; --fg: #1b1f24; --muted: #555e68; --border: #c8d1da; --card: #f6f8fa;
  --accent: #0a58ca; --accent-fg: #ffffff; --focus: #b35900; --code: #eef1f4;
  --allow-bg: #dafbe1; --allow-fg: #0f5323; --deny-bg: #ffebe9; --deny-fg: #a40e26;
  --approval-bg: #fff3b0; --approval-fg: #5c4000; --constraints-bg: #ddf4ff;
  --constraints-fg: #0a3069; --throttle-bg: #f5e6ff; --throttle-fg: #5e2380;
  --error-line: #c62828; --branch-line: #6a4bc4;
}
@media (prefers-color-scheme: dark) {
  :root:not([data-theme="light"]) {
    color-scheme: dark;
    --bg: #0d1117; --fg: #e6edf3; --muted: #a3acb7; --border: #3d444d; --card: #161b22;
    --accent: #6cb6ff; --accent-fg: #0d1117; --focus: #ffb454; --code: #1f252d;
    --allow-bg: #0f3d1f; --allow-fg: #8ee6a6; --deny-bg: #4c1018; --deny-fg: #ffb3b0;
    --approval-bg: #4a3a00; --approval-fg: #f5d76e; --constraints-bg: #0c2d6b;
    --constraints-fg: #b3dcff; --throttle-bg: #3c1e55; --throttle-fg: #e8c4ff;
    --error-line: #ff7b72; --branch-line: #b8a4ff;
  }
}
:root[data-theme="dark"] {
  color-scheme: dark;
  --bg: #0d1117; --fg: #e6edf3; --muted: #a3acb7; --border: #3d444d; --card: #161b22;
  --accent: #6cb6ff; --accent-fg: #0d1117; --focus: #ffb454; --code: #1f252d;
  --allow-bg: #0f3d1f; --allow-fg: #8ee6a6; --deny-bg: #4c1018; --deny-fg: #ffb3b0;
  --approval-bg: #4a3a00; --approval-fg: #f5d76e; --constraints-bg: #0c2d6b;
  --constraints-fg: #b3dcff; --throttle-bg: #3c1e55; --throttle-fg: #e8c4ff;
  --error-line: #ff7b72; --branch-line: #b8a4ff;
}
* { box-sizing: border-box; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg); line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
}
a { color: var(--accent); }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
code, pre, kbd { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { background: var(--code); padding: 0 .25em; border-radius: 4px; font-size: .92em;
  overflow-wrap: anywhere; }
pre { background: var(--code); padding: .75rem 1rem; border-radius: 6px; overflow-x: auto;
  font-size: .88rem; }
pre code { background: none; padding: 0; }
.skip { position: absolute; left: -999px; top: 0; background: var(--accent);
  color: var(--accent-fg); padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; top: .5rem; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
header.site { border-bottom: 1px solid var(--border); background: var(--card); }
header.site .bar { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center;
  max-width: 72rem; margin: 0 auto; padding: .6rem 1rem; }
header.site .brand { font-weight: 700; color: var(--fg); text-decoration: none;
  font-size: 1.1rem; margin-right: auto; }
header.site nav ul { list-style: none; display: flex; gap: 1rem; margin: 0; padding: 0;
  flex-wrap: wrap; align-items: center; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
footer.site { max-width: 72rem; margin: 2rem auto; padding: 1rem; color: var(--muted);
  border-top: 1px solid var(--border); font-size: .9rem; }
h1 { font-size: 1.7rem; margin: .5rem 0; line-height: 1.25; overflow-wrap: anywhere; }
h2 { font-size: 1.3rem; margin: 2rem 0 .75rem; padding-bottom: .25rem;
  border-bottom: 1px solid var(--border); }
h3 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
.muted { color: var(--muted); }
button, .button, input, select, textarea { font: inherit; }
button, .button {
  background: var(--accent); color: var(--accent-fg); border: 1px solid var(--accent);
  border-radius: 6px; padding: .4rem .8rem; cursor: pointer; text-decoration: none;
  display: inline-block; line-height: 1.3;
}
button.secondary { background: var(--card); color: var(--fg); border-color: var(--border); }
button.link { background: none; border: none; color: var(--accent); padding: 0;
  text-decoration: underline; }
input, select, textarea {
  background: var(--bg); color: var(--fg); border: 1px solid var(--muted);
  border-radius: 6px; padding: .4rem .5rem; max-width: 100%;
}
label { font-weight: 600; font-size: .92rem; }
.search { display: grid; gap: .75rem; grid-template-columns: 1fr; margin: 1rem 0; }
.search .query { display: flex; gap: .5rem; }
.search .query input { flex: 1; font-size: 1.05rem; padding: .55rem .7rem; min-width: 0; }
.filters { display: grid; gap: .5rem .75rem;
  grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); align-items: end; }
.filters .field { display: flex; flex-direction: column; gap: .2rem; }
.filters .check { flex-direction: row; align-items: center; gap: .4rem; padding-bottom: .45rem; }
.summary { margin: .5rem 0 1rem; color: var(--muted); }
.cards { list-style: none; padding: 0; margin: 0; display: grid; gap: .85rem;
  grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); }
.card { border: 1px solid var(--border); border-radius: 8px; padding: .85rem 1rem;
  background: var(--card); display: flex; flex-direction: column; gap: .35rem; }
.card h3 { margin: 0; font-size: 1.05rem; overflow-wrap: anywhere; }
.card p { margin: 0; }
.card .meta { font-size: .85rem; color: var(--muted); }
.tags { display: flex; flex-wrap: wrap; gap: .3rem; list-style: none; padding: 0; margin: 0; }
.tag { border: 1px solid var(--border); border-radius: 999px; padding: 0 .5rem;
  font-size: .8rem; background: var(--bg); }
.tag.risk { border-color: var(--deny-fg); color: var(--deny-fg); }
.badge-verified { color: var(--allow-fg); background: var(--allow-bg); border-radius: 999px;
  padding: 0 .5rem; font-size: .8rem; font-weight: 600; white-space: nowrap; }
.pager { display: flex; gap: .5rem; flex-wrap: wrap; margin: 1.25rem 0; align-items: center; }
.pager a, .pager span { padding: .25rem .6rem; border: 1px solid var(--border);
  border-radius: 6px; }
.pager [aria-current] { background: var(--accent); color: var(--accent-fg); }
.decision { display: inline-block; border-radius: 6px; padding: .05rem .5rem; font-weight: 600;
  font-size: .85rem; white-space: nowrap; border: 1px solid currentColor; }
.decision-allow { background: var(--allow-bg); color: var(--allow-fg); }
.decision-deny { background: var(--deny-bg); color: var(--deny-fg); }
.decision-require_approval { background: var(--approval-bg); color: var(--approval-fg); }
.decision-allow_with_constraints { background: var(--constraints-bg);
  color: var(--constraints-fg); }
.decision-throttle { background: var(--throttle-bg); color: var(--throttle-fg); }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { border: 1px solid var(--border); padding: .4rem .55rem; text-align: left;
  vertical-align: top; }
th { background: var(--card); }
th .muted { font-weight: 400; }
td ul, td dl { margin: 0; padding-left: 1rem; }
td dl { padding-left: 0; }
td dt { font-weight: 600; }
td dd { margin: 0 0 .25rem 0; }
.pack-head { display: grid; gap: 1rem; grid-template-columns: minmax(0, 1fr); }
.pack-head > * { min-width: 0; }
@media (min-width: 56rem) { .pack-head { grid-template-columns: minmax(0, 1fr) 22rem; } }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .25rem .75rem;
  margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.glance { margin-top: 1rem; }
.panel { border: 1px solid var(--border); border-radius: 8px; padding: .85rem 1rem;
  background: var(--card); }
.toc { display: flex; flex-wrap: wrap; gap: .4rem 1rem; list-style: none; padding: 0;
  margin: 1rem 0; font-size: .95rem; }
.snippet { margin: .75rem 0; }
.snippet .head { display: flex; justify-content: space-between; align-items: center;
  gap: .5rem; }
.snippet pre { margin: .35rem 0 0; }
.readme { overflow-wrap: anywhere; }
.readme img { max-width: 100%; }
.load-image { background: var(--card); color: var(--fg); border: 1px dashed var(--muted);
  white-space: normal; max-width: 100%; text-align: left; overflow-wrap: anywhere; }
.wf { margin: 1rem 0 2rem; }
.wf figure { margin: 0; }
.wf .graph { overflow-x: auto; border: 1px solid var(--border); border-radius: 8px;
  background: var(--bg); }
.wf-graph { display: block; max-width: none; font-size: 12px; }
.wf-node rect { fill: var(--card); stroke: var(--muted); stroke-width: 1.5; }
.wf-node text { fill: var(--fg); }
.wf-node .wf-title { font-weight: 700; font-size: 13px; }
.wf-node .wf-sub, .wf-node .wf-flags { fill: var(--muted); font-size: 11px; }
.wf-type-approval rect { fill: var(--approval-bg); stroke: var(--approval-fg); stroke-width: 2.5; }
.wf-type-condition rect, .wf-type-switch rect { stroke-dasharray: 6 3; }
.wf-decision-allow rect { stroke: var(--allow-fg); stroke-width: 2.5; }
.wf-decision-deny rect { stroke: var(--deny-fg); stroke-width: 3; }
.wf-decision-require_approval rect { stroke: var(--approval-fg); stroke-width: 3; }
.wf-decision-allow_with_constraints rect { stroke: var(--constraints-fg); stroke-width: 2.5; }
.wf-decision-throttle rect { stroke: var(--throttle-fg); stroke-width: 2.5; }
.wf-edge path { fill: none; stroke: var(--muted); stroke-width: 1.6; }
.wf-edge text { fill: var(--fg); font-size: 11px; paint-order: stroke;
  stroke: var(--bg); stroke-width: 4px; }
.wf-edge-error path { stroke: var(--error-line); stroke-dasharray: 6 4; }
.wf-edge-branch path { stroke: var(--branch-line); stroke-dasharray: 2 3; }
.wf-loop { fill: none; stroke: var(--branch-line); stroke-width: 1.6; }
.wf-arrow path { fill: var(--muted); }
.wf-arrow-error path { fill: var(--error-line); }
.legend { display: flex; flex-wrap: wrap; gap: .5rem 1rem; font-size: .85rem; list-style: none;
  padding: 0; color: var(--muted); }
.simulate form { display: grid; gap: .6rem .75rem;
  grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); align-items: end; }
.simulate .field { display: flex; flex-direction: column; gap: .2rem; }
.simulate fieldset { border: 1px solid var(--border); border-radius: 6px; grid-column: 1 / -1; }
.simulate fieldset label { font-weight: 400; margin-right: .75rem; white-space: nowrap; }
.result { margin-top: 1rem; }
.result .verdict { font-size: 1.1rem; }
.trace { font-size: .9rem; }
.notice { border-left: 4px solid var(--accent); padding: .5rem .75rem; background: var(--card); }
.notice.error { border-color: var(--deny-fg); }
.diff-added { color: var(--allow-fg); }
.diff-removed { color: var(--deny-fg); }
.login { max-width: 28rem; }
.login form { display: grid; gap: .5rem; }
.theme-toggle { background: var(--card); color: var(--fg); border-color: var(--border); }
@media (max-width: 40rem) {
  h1 { font-size: 1.4rem; }
  main { padding: .75rem; }
  .search .query { flex-direction: column; }
}
@media print { header.site, .snippet button, .simulate { display: none; } }
`;

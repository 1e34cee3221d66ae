/**
 * Draws a laid-out workflow as inline SVG, made on the server. Colours come
 * from the page's CSS classes (so dark and light both work): approvals,
 * the policy decision a worker step would get, error paths, branches and
 * loops each look different, and each also says so in words.
 */
import type { Decision } from '../../../packs/policy/types.js';
import type { Workflow } from '../../../packs/workflow/types.js';
import { html, trusted, type SafeHtml } from '../html.js';
import { decisionLabel } from './decisions.js';
import { clip } from './clip.js';
import { layoutWorkflow, NODE_H, NODE_W, type LaidEdge, type LaidNode, type Layout }
  from './workflow-layout.js';

const n = (v: number) => Math.round(v * 10) / 10;

function flagsOf(node: LaidNode, decision: Decision | undefined): string[] {
  const s = node.step;
  const flags: string[] = [];
  if (s.type === 'approval') flags.push('human approval');
  if (decision) flags.push(decisionLabel(decision).toLowerCase());
  if (s.for_each !== undefined || s.type === 'loop') flags.push('loop');
  if (s.condition !== undefined && s.condition !== true) flags.push('conditional');
  if (s.retry?.max_retries) flags.push(`retry ×${s.retry.max_retries}`);
  if (s.max_parallel) flags.push(`≤${s.max_parallel} at once`);
  return flags;
}

function nodeSvg(node: LaidNode, decision: Decision | undefined, prefix: string): SafeHtml {
  const s = node.step;
  const classes = ['wf-node', `wf-type-${s.type}`];
  if (decision) classes.push(`wf-decision-${decision}`);
  const title = s.name ?? node.id;
  const subtitle = s.topic ? `${s.type} · ${s.topic}` : s.type;
  const flags = flagsOf(node, decision);
  const loop = s.for_each !== undefined || s.type === 'loop';
  const { x, y } = node;
  return html`<g class="${classes.join(' ')}" data-step="${node.id}">
<title>${node.id}: ${subtitle}${flags.length ? ` (${flags.join(', ')})` : ''}</title>
<rect x="${n(x)}" y="${n(y)}" width="${NODE_W}" height="${NODE_H}" rx="${s.type === 'approval'
  ? 18 : 6}"></rect>
<text class="wf-title" x="${n(x + 10)}" y="${n(y + 20)}">${clip(title, 26)}</text>
<text class="wf-sub" x="${n(x + 10)}" y="${n(y + 37)}">${clip(subtitle, 32)}</text>
<text class="wf-flags" x="${n(x + 10)}" y="${n(y + 54)}">${clip(flags.join(' · '), 34)}</text>
${loop ? trusted(`<path class="wf-loop" d="M ${n(x)} ${n(y + 18)} a 14 14 0 1 0 0 28" ` +
  `marker-end="url(#${prefix}-arrow)"></path>`) : ''}
</g>`;
}

function edgePath(e: LaidEdge, from: LaidNode, to: LaidNode, layout: Layout) {
  if (from.layer === to.layer && from.id !== to.id) {
    // Side by side: a straight line between the facing sides, label above it.
    const rightward = to.x > from.x;
    const x1 = rightward ? from.x + NODE_W : from.x;
    const x2 = rightward ? to.x : to.x + NODE_W;
    const y = from.y + NODE_H / 2;
    return { d: `M ${n(x1)} ${n(y)} L ${n(x2)} ${n(y)}`, lx: Math.min(x1, x2) + 4, ly: y - 6 };
  }
  if (e.back) {
    const x1 = from.x + NODE_W;
    const y1 = from.y + NODE_H / 2;
    const x2 = to.x + NODE_W;
    const y2 = to.y + NODE_H / 2 + (e.from === e.to ? 12 : 0);
    const xr = layout.width - 10;
    return { d: `M ${n(x1)} ${n(y1)} C ${n(xr)} ${n(y1)}, ${n(xr)} ${n(y2)}, ${n(x2)} ${n(y2)}`,
      lx: xr - 4, ly: (y1 + y2) / 2 };
  }
  const x1 = from.x + NODE_W / 2;
  const y1 = from.y + NODE_H;
  const x2 = to.x + NODE_W / 2;
  const y2 = to.y;
  const dy = Math.max(24, (y2 - y1) / 2);
  return { d: `M ${n(x1)} ${n(y1)} C ${n(x1)} ${n(y1 + dy)}, ${n(x2)} ${n(y2 - dy)}, ${n(x2)} ` +
    `${n(y2)}`, lx: (x1 + x2) / 2 + 6, ly: (y1 + y2) / 2 };
}

function edgeSvg(e: LaidEdge, nodes: Map<string, LaidNode>, layout: Layout, prefix: string) {
  const from = nodes.get(e.from)!;
  const to = nodes.get(e.to)!;
  const { d, lx, ly } = edgePath(e, from, to, layout);
  const marker = e.kind === 'error' ? `${prefix}-arrow-error` : `${prefix}-arrow`;
  const anchor = e.back ? 'end' : 'start';
  return html`<g class="wf-edge wf-edge-${e.kind}" data-from="${e.from}" data-to="${e.to}">
<path d="${d}" marker-end="url(#${marker})"></path>
${e.label ? html`<text x="${n(lx)}" y="${n(ly)}" text-anchor="${anchor}">${
    clip(e.label, 30)}</text>`
  : ''}</g>`;
}

function describe(wf: Workflow, layout: Layout): string {
  const links = layout.edges.map((e) => `${e.from} → ${e.to}${e.kind === 'depends' ? ''
    : ` (${e.label ?? e.kind})`}`);
  const count = layout.nodes.length;
  return `${count} step${count === 1 ? '' : 's'}${links.length ? `: ${links.join('; ')}` : ''}.` +
    (wf.description ? ` ${wf.description}` : '');
}

/** The SVG of workflow `wf`; `prefix` keeps its element ids unique on the page. */
export function workflowSvg(wf: Workflow, prefix: string,
  decisions: ReadonlyMap<string, Decision>): SafeHtml {
  const layout = layoutWorkflow(wf);
  const byId = new Map(layout.nodes.map((node) => [node.id, node]));
  const edges = layout.edges.map((e) => edgeSvg(e, byId, layout, prefix));
  const nodes = layout.nodes.map((node) => nodeSvg(node, decisions.get(node.id), prefix));
  return html`<svg class="wf-graph" xmlns="http://www.w3.org/2000/svg" role="img"
 viewBox="0 0 ${n(layout.width)} ${n(layout.height)}" width="${n(layout.width)}"
 height="${n(layout.height)}" aria-labelledby="${prefix}-title ${prefix}-desc">
<title id="${prefix}-title">Workflow ${wf.name ?? wf.id}</title>
<desc id="${prefix}-desc">${describe(wf, layout)}</desc>
<defs>
<marker id="${prefix}-arrow" class="wf-arrow" viewBox="0 0 10 10" refX="9" refY="5"
 markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z"></path>
</marker>
<marker id="${prefix}-arrow-error" class="wf-arrow wf-arrow-error" viewBox="0 0 10 10" refX="9"
 refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z">
</path></marker>
</defs>
${edges}
${nodes}
</svg>`;
}

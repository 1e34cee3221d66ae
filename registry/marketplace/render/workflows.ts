/**
 * Each workflow of a pack: its graph (SVG), a legend, and the same steps as
 * a table for readers who do not see the drawing.
 */
import type { LoadedPack } from '../../../packs/load.js';
import { decide } from '../../../packs/policy/evaluate.js';
import type { Decision, PolicySnapshot } from '../../../packs/policy/types.js';
import type { Step, Workflow } from '../../../packs/workflow/types.js';
import { html, type SafeHtml } from '../html.js';
import { decisionBadge } from './decisions.js';
import { workflowSvg } from './workflow-svg.js';

/** What the pack's own policy decides for each worker step of `wf`. */
export function stepDecisions(wf: Workflow, snapshot: PolicySnapshot): Map<string, Decision> {
  const out = new Map<string, Decision>();
  for (const [id, step] of Object.entries(wf.steps)) {
    if (step.type !== 'worker' || !step.topic) continue;
    const meta = step.meta ?? {};
    const request = {
      topic: step.topic,
      ...(meta.capability ? { capability: meta.capability } : {}),
      ...(meta.risk_tags ? { riskTags: meta.risk_tags } : {}),
      ...(meta.requires ? { requires: meta.requires } : {}),
      ...(meta.pack_id ? { packId: meta.pack_id } : {}),
      ...(meta.actor_id ? { actorId: meta.actor_id } : {}),
      ...(meta.actor_type ? { actorType: meta.actor_type } : {}),
      ...(meta.labels ? { labels: meta.labels } : {}),
    };
    out.set(id, decide(snapshot, request).decision);
  }
  return out;
}

function flow(step: Step): SafeHtml {
  const parts: SafeHtml[] = [];
  if (step.depends_on?.length) parts.push(html`after ${step.depends_on.join(', ')}`);
  if (step.condition !== undefined) parts.push(html`if <code>${String(step.condition)}</code>`);
  if (step.for_each !== undefined) {
    const over = typeof step.for_each === 'string' ? step.for_each : JSON.stringify(step.for_each);
    parts.push(html`for each <code>${over}</code>${step.max_parallel ? ` (≤${step.max_parallel
    } at once)` : ''}`);
  }
  if (step.on_error) parts.push(html`on error → ${step.on_error}`);
  if (step.retry?.max_retries) parts.push(html`retries ${step.retry.max_retries}`);
  if (step.timeout_sec) parts.push(html`timeout ${step.timeout_sec}s`);
  return parts.length ? html`${parts.map((p, i) => html`${i ? '; ' : ''}${p}`)}`
    : html`<span class="muted">start</span>`;
}

function stepsTable(wf: Workflow, decisions: Map<string, Decision>, prefix: string): SafeHtml {
  const rows = Object.entries(wf.steps).map(([id, step]) => {
    const decision = decisions.get(id);
    return html`<tr><th scope="row"><code>${id}</code>${step.name ? html`<br>${step.name}`
      : ''}</th>
<td>${step.type}</td><td>${step.topic ? html`<code>${step.topic}</code>` : '–'}</td>
<td>${flow(step)}</td><td>${decision ? decisionBadge(decision)
      : step.type === 'approval' ? html`human approval` : '–'}</td></tr>`;
  });
  return html`<details><summary>Steps of ${wf.name ?? wf.id} as a table</summary>
<div class="scroll" tabindex="0" role="region" aria-label="Steps of ${wf.id}">
<table id="${prefix}-steps"><thead><tr><th scope="col">Step</th><th scope="col">Type</th>
<th scope="col">Topic</th><th scope="col">Flow</th><th scope="col">Own policy</th></tr></thead>
<tbody>${rows}</tbody></table></div></details>`;
}

const LEGEND = html`<ul class="legend" aria-label="Legend">
<li>solid arrow: runs after</li><li>dashed red: on error</li><li>dotted: branch</li>
<li>curl on the left: loop</li><li>rounded amber box: human approval</li>
<li>border colour: what the pack's policy decides for the step</li></ul>`;

/**
 * The most steps, and `depends_on` links, a graph is drawn for. Laying one
 * out costs time that grows faster than its size (2 s for 1,000 steps of 50
 * links each, 7 s for a chain of 20,000), on the thread that answers every
 * request, and nobody could follow such a drawing; the table still lists
 * every step.
 */
export const MAX_DRAWN_STEPS = 200;
export const MAX_DRAWN_LINKS = 1000;

function graphOf(wf: Workflow, prefix: string, decisions: Map<string, Decision>): SafeHtml {
  const steps = Object.values(wf.steps);
  const links = steps.reduce((n, step) => n + (step.depends_on?.length ?? 0), 0);
  if (steps.length > MAX_DRAWN_STEPS || links > MAX_DRAWN_LINKS) {
    return html`<p class="muted">${steps.length} steps and ${links} links are too many to draw
 (the most drawn: ${MAX_DRAWN_STEPS} steps, ${MAX_DRAWN_LINKS} links); the table below lists
 every step.</p>`;
  }
  return html`<figure><div class="graph" tabindex="0" role="region" aria-label="Graph of ${
    wf.id}">
${workflowSvg(wf, prefix, decisions)}</div>
<figcaption class="sr-only">Graph of workflow ${wf.id}</figcaption></figure>`;
}

export function workflowsSection(pack: LoadedPack, snapshot: PolicySnapshot): SafeHtml {
  if (pack.workflows.length === 0) return html`<p class="muted">This pack has no workflows.</p>`;
  const figures = pack.workflows.map((wf, i) => {
    const prefix = `wf${i}`;
    const decisions = stepDecisions(wf, snapshot);
    return html`<div class="wf" id="workflow-${wf.id}">
<h3><code>${wf.id}</code>${wf.name ? ` — ${wf.name}` : ''}</h3>
${wf.description ? html`<p>${wf.description}</p>` : ''}
${graphOf(wf, prefix, decisions)}
${stepsTable(wf, decisions, prefix)}</div>`;
  });
  return html`${LEGEND}${figures}`;
}

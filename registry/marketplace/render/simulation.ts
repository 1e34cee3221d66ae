/**
 * "Try the policy": a form that builds a policy request (prefilled from the
 * pack's first topic) and the answer: decision, deciding rule, reason,
 * constraints, remediations and a trace of the rules tried before it.
 */
import type { LoadedPack } from '../../../packs/load.js';
import type { PolicyRequest } from '../../../packs/policy/types.js';
import { attr, html, type SafeHtml } from '../html.js';
import type { SimulationOutcome } from '../policy/simulate.js';
import { decisionBadge, decisionLabel } from './decisions.js';
import { flatList, remediationList, ruleAnchor } from './policy.js';

const MISMATCH: Record<string, string> = {
  tenants: 'tenant differs', topics: 'topic does not match', capabilities: 'capability differs',
  risk_tags: 'no listed risk tag', requires: 'a requirement is missing', pack_ids: 'pack differs',
  actor_ids: 'actor differs', actor_types: 'actor type differs', labels: 'a label differs',
  secrets_present: 'secrets presence differs', mcp: 'not an MCP call it covers',
};

function union(pack: LoadedPack, pick: (t: NonNullable<LoadedPack['manifest']['topics']>[number])
  => string[] | undefined): string[] {
  return [...new Set((pack.manifest.topics ?? []).flatMap((t) => pick(t) ?? []))].sort();
}

function checkboxes(name: string, legend: string, values: string[], chosen: string[]): SafeHtml {
  if (values.length === 0) return html``;
  return html`<fieldset><legend>${legend}</legend>${values.map((v, i) => html`<label
 for="sim-${name}-${i}"><input type="checkbox" id="sim-${name}-${i}" name="${name}" value="${v}"${
    attr('checked', chosen.includes(v))}> ${v}</label>`)}</fieldset>`;
}

function text(id: string, label: string, name: string, value: string | undefined,
  list?: string): SafeHtml {
  return html`<div class="field"><label for="${id}">${label}</label>
<input id="${id}" name="${name}" value="${value ?? ''}" autocomplete="off"${
    attr('list', list)}></div>`;
}

/** The form; `request` fills it back after a simulation (else the first topic). */
export function simulationForm(pack: LoadedPack, action: string,
  request: PolicyRequest | undefined): SafeHtml {
  const first = pack.manifest.topics?.[0];
  const r: PolicyRequest = request ?? {
    ...(first ? { topic: first.name } : {}),
    ...(first?.capability ? { capability: first.capability } : {}),
    ...(first?.riskTags ? { riskTags: first.riskTags } : {}),
    ...(first?.requires ? { requires: first.requires } : {}),
  };
  const topics = (pack.manifest.topics ?? []).map((t) => t.name);
  const capabilities = union(pack, (t) => (t.capability ? [t.capability] : []));
  const risks = union(pack, (t) => t.riskTags);
  const requires = union(pack, (t) => t.requires);
  const extraRisk = (r.riskTags ?? []).filter((t) => !risks.includes(t)).join(', ');
  const extraRequires = (r.requires ?? []).filter((t) => !requires.includes(t)).join(', ');
  const labels = Object.entries(r.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
  return html`<form id="simulate-form" method="get" action="${action}" aria-describedby="try-help">
<input type="hidden" name="simulate" value="1">
${text('sim-topic', 'Topic', 'topic', r.topic, 'sim-topics')}
<datalist id="sim-topics">${topics.map((t) => html`<option value="${t}"></option>`)}</datalist>
${text('sim-capability', 'Capability', 'capability', r.capability, 'sim-capabilities')}
<datalist id="sim-capabilities">${capabilities.map((c) => html`<option value="${c}"></option>`)}
</datalist>
${text('sim-tenant', 'Tenant', 'tenant', r.tenantId)}
${text('sim-actor-type', 'Actor type', 'actor_type', r.actorType)}
${text('sim-actor-id', 'Actor id', 'actor_id', r.actorId)}
${checkboxes('risk', 'Risk tags', risks, r.riskTags ?? [])}
${text('sim-risk-more', 'Other risk tags (comma separated)', 'risk', extraRisk)}
${checkboxes('requires', 'Requirements', requires, r.requires ?? [])}
${text('sim-requires-more', 'Other requirements (comma separated)', 'requires', extraRequires)}
${text('sim-labels', 'Labels (key=value, comma separated)', 'labels', labels)}
<div class="field check"><label for="sim-secrets"><input type="checkbox" id="sim-secrets"
 name="secrets" value="1"${attr('checked', r.secretsPresent === true)}> Secrets present</label>
</div>
<div class="field"><button type="submit">Simulate</button></div>
</form>`;
}

function traceTable(outcome: SimulationOutcome): SafeHtml {
  if (outcome.trace.length === 0) return html`<p class="muted">The pack has no rules to try.</p>`;
  return html`<details class="trace"><summary>Rules tried (${outcome.trace.length})</summary>
<ol>${outcome.trace.map((t) => html`<li><a href="#${ruleAnchor(t.ruleId)}"><code>${t.ruleId}</code>
</a>: ${t.matched ? html`<strong>matched</strong>` : `skipped, ${MISMATCH[t.mismatch ?? ''] ??
    t.mismatch}`}</li>`)}</ol></details>`;
}

/** The answer of one simulation (also the fragment the page script fetches). */
export function simulationResult(outcome: SimulationOutcome): SafeHtml {
  const { result } = outcome;
  const by = result.ruleId ? `rule ${result.ruleId}` : 'no rule (the default is allow)';
  const summary = `Decision: ${decisionLabel(result.decision)}, by ${by}`;
  return html`<div class="result panel" data-summary="${summary}">
<p class="verdict">Decision: ${decisionBadge(result.decision)} by ${result.ruleId
    ? html`rule <a href="#${ruleAnchor(result.ruleId)}"><code>${result.ruleId}</code></a>`
    : 'no rule: nothing matched, so the default applies'}</p>
${result.reason ? html`<p>Reason: ${result.reason}</p>` : ''}
${result.constraints ? html`<p><strong>Constraints:</strong></p>${flatList(result.constraints)}`
    : ''}
${remediationList(result.remediations)}
${traceTable(outcome)}
<p class="muted">Snapshot <code>${result.snapshotHash}</code> (this pack's rules alone; a
 deployment merges every pack it runs).</p></div>`;
}

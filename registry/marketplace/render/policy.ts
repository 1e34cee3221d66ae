/**
 * The "what the pack does" tables: its topics (capability, risk tags,
 * requirements, and what its own policy decides for each) and its policy
 * rules in evaluation order, each decision in its own colour.
 */
import type { LoadedPack } from '../../../packs/load.js';
import type { PackTopic } from '../../../packs/manifest.js';
import { decide } from '../../../packs/policy/evaluate.js';
import type { Constraints, PolicySnapshot, Remediation, Rule, RuleMatch }
  from '../../../packs/policy/types.js';
import { html, type SafeHtml } from '../html.js';
import { decisionBadge } from './decisions.js';

export function tags(values: string[] | undefined, kind = ''): SafeHtml {
  if (!values || values.length === 0) return html`<span class="muted">none</span>`;
  return html`<ul class="tags">${values.map((v) => html`<li class="tag ${kind}">${v}</li>`)}</ul>`;
}

export function ruleAnchor(id: string): string {
  return `rule-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

function topicRow(topic: PackTopic, snapshot: PolicySnapshot, packId: string): SafeHtml {
  const request = { topic: topic.name, packId };
  const outcome = decide(snapshot, {
    ...request,
    ...(topic.capability ? { capability: topic.capability } : {}),
    ...(topic.riskTags ? { riskTags: topic.riskTags } : {}),
    ...(topic.requires ? { requires: topic.requires } : {}),
  });
  const by = outcome.ruleId
    ? html` <span class="muted">by <a href="#${ruleAnchor(outcome.ruleId)}">${outcome.ruleId}</a>
</span>` : html` <span class="muted">(no rule matches)</span>`;
  return html`<tr><th scope="row"><code>${topic.name}</code></th>
<td>${topic.capability ? html`<code>${topic.capability}</code>`
    : html`<span class="muted">–</span>`}
</td><td>${tags(topic.riskTags, 'risk')}</td><td>${tags(topic.requires)}</td>
<td>${decisionBadge(outcome.decision)}${by}</td></tr>`;
}

export function topicsTable(pack: LoadedPack, snapshot: PolicySnapshot): SafeHtml {
  const topics = pack.manifest.topics ?? [];
  if (topics.length === 0) return html`<p class="muted">This pack declares no topics.</p>`;
  const id = pack.manifest.metadata.id;
  return html`<div class="scroll" tabindex="0" role="region" aria-label="Topics table">
<table><caption class="sr-only">Topics, capabilities, risk tags, requirements and the
 decision this pack's own policy makes for each</caption>
<thead><tr><th scope="col">Topic</th><th scope="col">Capability</th><th scope="col">Risk tags</th>
<th scope="col">Requires</th><th scope="col">Own policy decides</th></tr></thead>
<tbody>${topics.map((t) => topicRow(t, snapshot, id))}</tbody></table></div>`;
}

function value(v: unknown): SafeHtml {
  if (Array.isArray(v)) {
    return html`${v.map((x, i) => html`${i ? ', ' : ''}<code>${String(x)}</code>`)}`;
  }
  if (v && typeof v === 'object') {
    return html`${Object.entries(v).map(([k, x], i) => html`${i ? ', ' : ''}<code>${k}=${
      String(x)}</code>`)}`;
  }
  return html`<code>${String(v)}</code>`;
}

const MATCH_LABELS: Record<string, string> = {
  tenants: 'tenants', topics: 'topics', capabilities: 'capabilities',
  risk_tags: 'any risk tag of', requires: 'requires all of', pack_ids: 'packs',
  actor_ids: 'actors', actor_types: 'actor types', labels: 'labels',
  secrets_present: 'secrets present', mcp: 'MCP',
};

export function matchList(match: RuleMatch): SafeHtml {
  const entries = Object.entries(match).filter(([, v]) => v !== undefined &&
    !(Array.isArray(v) && v.length === 0));
  if (entries.length === 0) return html`<span class="muted">every request</span>`;
  return html`<dl>${entries.map(([k, v]) => html`<dt>${MATCH_LABELS[k] ?? k}</dt><dd>${
    k === 'mcp' && v && typeof v === 'object' ? flatList(v as Record<string, unknown>)
      : value(v)}</dd>`)}</dl>`;
}

/** Nested settings (constraints, MCP lists) as `path: value` items. */
export function flatList(obj: object, prefix = ''): SafeHtml {
  const items: SafeHtml[] = [];
  const walk = (o: object, at: string) => {
    for (const [k, v] of Object.entries(o)) {
      const path = at ? `${at}.${k}` : k;
      if (v && typeof v === 'object' && !Array.isArray(v)) walk(v, path);
      else if (v !== undefined) items.push(html`<li>${path}: ${value(v)}</li>`);
    }
  };
  walk(obj, prefix);
  return items.length ? html`<ul>${items}</ul>` : html`<span class="muted">none</span>`;
}

function constraintsCell(c: Constraints | undefined): SafeHtml {
  return c ? flatList(c) : html`<span class="muted">none</span>`;
}

export function remediationList(list: Remediation[] | undefined): SafeHtml {
  if (!list || list.length === 0) return html``;
  return html`<p><strong>Instead:</strong></p><ul>${list.map((r) => html`<li>${r.title ?? r.id ??
    'remediation'}${r.summary ? html` — ${r.summary}` : ''}${r.replacement_topic
    ? html` (use <code>${r.replacement_topic}</code>)` : ''}</li>`)}</ul>`;
}

function ruleRow(rule: Rule, index: number): SafeHtml {
  return html`<tr id="${ruleAnchor(rule.id)}"><td>${index + 1}</td>
<th scope="row"><code>${rule.id}</code>${rule.source?.file ? html`<br><span class="muted">${
    rule.source.file}</span>` : ''}</th>
<td>${decisionBadge(rule.decision)}</td><td>${matchList(rule.match)}</td>
<td>${constraintsCell(rule.constraints)}</td>
<td>${rule.reason ?? html`<span class="muted">–</span>`}${remediationList(rule.remediations)}</td>
</tr>`;
}

export function rulesTable(snapshot: PolicySnapshot): SafeHtml {
  if (snapshot.rules.length === 0) {
    return html`<p class="muted">This pack adds no policy rules: its jobs are allowed unless
 another pack's rules say otherwise.</p>`;
  }
  return html`<p>Rules are tried in this order; the first whose every match field holds decides.
 When none matches, the job is allowed.</p>
<div class="scroll" tabindex="0" role="region" aria-label="Policy rules table">
<table id="rules-table"><caption class="sr-only">Policy rules in evaluation order</caption>
<thead><tr><th scope="col">#</th><th scope="col">Rule</th><th scope="col">Decision</th>
<th scope="col">Matches</th><th scope="col">Constraints</th><th scope="col">Reason</th></tr></thead>
<tbody>${snapshot.rules.map(ruleRow)}</tbody></table></div>`;
}

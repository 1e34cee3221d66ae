/** A pack changelog (what an upgrade changes) as HTML. */
import type { Rule } from '../../../packs/policy/types.js';
import type { Delta, PackChangelog, RuleChange } from '../changelog/diff.js';
import { isEmptyChangelog } from '../changelog/diff.js';
import { isUnreadableStep, type ChangelogStep, type UnreadableStep } from '../changelog/step.js';
import { html, type SafeHtml } from '../html.js';
import { decisionBadge } from './decisions.js';
import { matchList } from './policy.js';

function ruleLine(rule: Rule): SafeHtml {
  return html`<code>${rule.id}</code> ${decisionBadge(rule.decision)} ${matchList(rule.match)}`;
}

function changedRule(c: RuleChange): SafeHtml {
  const decision = c.fields.includes('decision')
    ? html` decision ${decisionBadge(c.before.decision)} → ${decisionBadge(c.after.decision)};`
    : '';
  const match = c.fields.includes('match')
    ? html`<div class="scroll"><table><thead><tr><th scope="col">Matched before</th>
<th scope="col">Matches now</th></tr></thead><tbody><tr><td>${matchList(c.before.match)}</td>
<td>${matchList(c.after.match)}</td></tr></tbody></table></div>` : '';
  const others = c.fields.filter((f) => f !== 'decision' && f !== 'match');
  return html`<li><code>${c.id}</code>:${decision}${others.length ? ` ${others.join(', ')} changed`
    : ''}${match}</li>`;
}

function words(label: string, delta: Delta<string>): SafeHtml {
  if (delta.added.length === 0 && delta.removed.length === 0) return html``;
  return html`<li>${label}: ${delta.added.map((v) => html`<span class="diff-added">+ <code>${v}
</code></span> `)}${delta.removed.map((v) => html`<span class="diff-removed">− <code>${v}</code>
</span> `)}</li>`;
}

function rulesPart(c: PackChangelog, sub: string): SafeHtml {
  const r = c.rules;
  if (!r.added.length && !r.removed.length && !r.changed.length && !r.reordered) return html``;
  return html`<${sub}>Policy rules</${sub}><ul>
${r.added.map((rule) => html`<li><span class="diff-added">added</span> ${ruleLine(rule)}</li>`)}
${r.removed.map((rule) => html`<li><span class="diff-removed">removed</span> ${
    ruleLine(rule)}</li>`)}
${r.changed.map(changedRule)}
${r.reordered ? html`<li>The order of rules changed: the first match decides, so this can change
 decisions.</li>` : ''}</ul>`;
}

function topicsPart(c: PackChangelog, sub: string): SafeHtml {
  const t = c.topics;
  const lists = [words('Capabilities', c.capabilities), words('Risk tags', c.riskTags),
    words('Requirements', c.requires), words('Needs packs', c.requiresPacks)];
  const any = t.added.length || t.removed.length || t.changed.length;
  return html`${any ? html`<${sub}>Topics</${sub}><ul>
${t.added.map((x) => html`<li><span class="diff-added">added</span> <code>${x.name}</code></li>`)}
${t.removed.map((x) => html`<li><span class="diff-removed">removed</span> <code>${x.name}</code>
</li>`)}
${t.changed.map((x) => html`<li><code>${x.name}</code>: ${x.fields.join(', ')} changed</li>`)}
</ul>` : ''}<ul>${lists}</ul>`;
}

function documentsPart(label: string, d: Delta<string> & { changed: string[] },
  sub: string): SafeHtml {
  if (!d.added.length && !d.removed.length && !d.changed.length) return html``;
  return html`<${sub}>${label}</${sub}><ul>${d.added.map((x) =>
    html`<li><span class="diff-added">added
</span> <code>${x}</code></li>`)}${d.removed.map((x) => html`<li><span class="diff-removed">removed
</span> <code>${x}</code></li>`)}${d.changed.map((x) => html`<li><code>${x}</code> changed</li>`)}
</ul>`;
}

function stepTitle(step: ChangelogStep, h: 'h2' | 'h3'): SafeHtml {
  return html`<${h} id="change-${step.from}-${step.to}">${step.from} → ${step.to}</${h}>`;
}

/** In place of a change: which side this registry can no longer read, and its error code. */
function unreadableHtml(step: UnreadableStep): SafeHtml {
  const [first, second] = step.unreadable.map((u) => html`${u.version} (<code>${u.code}</code>)`);
  return html`<p class="notice" role="note">${second ? html`Versions ${first} and ${second}`
    : html`Version ${first}`} can no longer be read by this registry, so the change cannot be
 shown.</p>`;
}

export function changelogHtml(c: ChangelogStep, headingLevel: 2 | 3 = 3): SafeHtml {
  const h = headingLevel === 2 ? 'h2' : 'h3';
  const sub = headingLevel === 2 ? 'h3' : 'h4';
  const title = stepTitle(c, h);
  if (isUnreadableStep(c)) return html`${title}${unreadableHtml(c)}`;
  if (isEmptyChangelog(c)) {
    return html`${title}<p class="muted">No change to rules, topics, capabilities, workflows or
 schemas.</p>`;
  }
  return html`${title}${rulesPart(c, sub)}${topicsPart(c, sub)}${
    documentsPart('Workflows', c.workflows, sub)}${documentsPart('Schemas', c.schemas, sub)}`;
}

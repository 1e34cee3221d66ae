/**
 * The pack page for one version: what it is, who signed it, what it lets an
 * agent do (topics, policy rules, workflow graphs, schemas), a policy
 * simulator, install snippets, and what changed since the version before.
 */
import type { Decision, PolicySnapshot } from '../../../packs/policy/types.js';
import { packSnapshot } from '../../../packs/simulate.js';
import type { VersionRecord } from '../../store/packs.js';
import type { ChangelogStep } from '../changelog/step.js';
import { html, type SafeHtml } from '../html.js';
import type { PackDetails } from '../pack/details.js';
import type { VersionState } from '../store/states.js';
import { changelogPath, inPackImage, packFilePath, packPath } from '../paths.js';
import type { SimulationOutcome } from '../policy/simulate.js';
import { changelogHtml } from '../render/changelog.js';
import { decisionBadge } from '../render/decisions.js';
import { rulesTable, tags, topicsTable } from '../render/policy.js';
import { hostOf, renderReadme } from '../render/readme.js';
import { schemasSection } from '../render/schemas.js';
import { simulationForm, simulationResult } from '../render/simulation.js';
import { snippetHtml, snippetsFor } from '../render/snippets.js';
import { factsList, versionsTable, versionSwitcher, verifiedBadge } from '../render/versions.js';
import { workflowsSection } from '../render/workflows.js';

export interface PackPage {
  /** Every version, newest first. */
  records: VersionRecord[];
  latest: string;
  details: PackDetails;
  verified: boolean;
  downloads: Map<string, number>;
  /** Yanked versions, with when and why. */
  states: Map<string, VersionState>;
  registryUrl: string;
  simulation?: SimulationOutcome;
  /**
   * From the version before the one shown, when there is one; when that
   * version cannot be read, the step says so instead.
   */
  change?: ChangelogStep;
}

const SECTIONS: [string, string][] = [
  ['readme', 'README'], ['versions', 'Versions'], ['topics', 'Topics'], ['policy', 'Policy rules'],
  ['workflows', 'Workflows'], ['schemas', 'Schemas'], ['try', 'Try the policy'],
  ['install', 'Install'], ['changes', 'Changes'],
];

/**
 * The pack's icon (`metadata.image`): a file in the pack is shown as it is
 * served from here; a remote one waits behind a button, as README images do.
 */
function packIcon(details: PackDetails): SafeHtml {
  const url = details.record.manifest.metadata.image;
  const local = inPackImage(url);
  if (local !== undefined && details.images.has(local)) {
    const { packId, version } = details.record;
    return html`<p><img class="pack-icon" src="${packFilePath(packId, version, local)}"
 alt="Pack icon" width="64" height="64"></p>`;
  }
  if (!url || !/^https?:\/\//i.test(url)) return html``;
  return html`<p><button type="button" class="load-image" data-src="${url}" data-alt="Pack icon">
Load the pack's icon from ${hostOf(url)}</button></p>`;
}

function stateNotice(state: VersionState | undefined): SafeHtml {
  const { yanked, deprecated } = state ?? {};
  return html`${yanked ? html`<p class="notice error" role="note"><strong>Yanked</strong> on ${
    yanked.at.slice(0, 10)}${yanked.reason ? html`: ${yanked.reason}` : ''}. Ranges never resolve
 to this version; a lock that pins it still installs it.</p>` : ''}${deprecated ? html`<p
 class="notice" role="note"><strong>Deprecated</strong>: ${deprecated.message}</p>` : ''}`;
}

function readmeSection(details: PackDetails): SafeHtml {
  const { packId, version } = details.record;
  if (!details.readme) return html`<p class="muted">This pack has no README.</p>`;
  const body = renderReadme(details.readme.text, {
    imageUrl: (path) => (details.images.has(path) ? packFilePath(packId, version, path)
      : undefined),
  });
  return html`<div class="readme">${body}</div>`;
}

/** The sections made from the version's own contents alone, the same at every view. */
interface ContentSections {
  snapshot: PolicySnapshot;
  readme: SafeHtml;
  topics: SafeHtml;
  policy: SafeHtml;
  workflows: SafeHtml;
  schemas: SafeHtml;
}

/**
 * Content sections by the cached details they were made from (pack/cache.ts),
 * so they are made once while those are cached, not at every view. Some cost
 * seconds of the registry's one thread: a README that runs marked into its
 * time limit, thousands of topics each decided against thousands of rules.
 */
const madeContents = new WeakMap<PackDetails, ContentSections>();

function contentsOf(details: PackDetails): ContentSections {
  const made = madeContents.get(details);
  if (made) return made;
  const { pack } = details;
  const snapshot = packSnapshot(pack);
  const contents = { snapshot, readme: readmeSection(details), topics: topicsTable(pack, snapshot),
    policy: rulesTable(snapshot), workflows: workflowsSection(pack, snapshot),
    schemas: schemasSection(pack) };
  madeContents.set(details, contents);
  return contents;
}

function changesSection(page: PackPage): SafeHtml {
  const id = page.details.record.packId;
  const link = html`<p><a href="${changelogPath(id)}">Changelog of every version</a></p>`;
  if (!page.change) return html`<p class="muted">This is the first version.</p>${link}`;
  return html`${changelogHtml(page.change, 3)}${link}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** What the pack lets an agent do, in one look: capabilities, risks, policy, contents. */
function glance(page: PackPage, snapshot: PolicySnapshot): SafeHtml {
  const { pack } = page.details;
  const topics = pack.manifest.topics ?? [];
  const union = (pick: (t: (typeof topics)[number]) => string[] | undefined) =>
    [...new Set(topics.flatMap((t) => pick(t) ?? []))].sort();
  const counts = new Map<Decision, number>();
  for (const rule of snapshot.rules) {
    counts.set(rule.decision, (counts.get(rule.decision) ?? 0) + 1);
  }
  return html`<h2 class="sr-only">At a glance</h2><dl class="facts glance">
<dt>Lets an agent</dt><dd>${tags(union((t) => (t.capability ? [t.capability] : [])))}</dd>
<dt>Risk tags</dt><dd>${tags(union((t) => t.riskTags), 'risk')}</dd>
<dt>Requires</dt><dd>${tags(union((t) => t.requires))}</dd>
<dt>Policy</dt><dd>${counts.size ? [...counts].map(([d, c]) => html`${decisionBadge(d)} ×${c} `)
    : html`<span class="muted">no rules</span>`}</dd>
<dt>Contents</dt><dd>${plural(topics.length, 'topic')} · ${plural(pack.workflows.length,
    'workflow')} · ${plural(pack.schemas.size, 'schema')} · ${plural(page.records.length,
    'version')}</dd></dl>`;
}

function head(page: PackPage, snapshot: PolicySnapshot): SafeHtml {
  const { record, pack, signature } = page.details;
  const m = record.manifest.metadata;
  const cli = snippetsFor({ registryUrl: page.registryUrl, packId: record.packId,
    version: record.version })[0]!;
  return html`<div class="pack-head"><div>
<p class="muted"><a href="/marketplace/">Packs</a> / <code>${record.packId}</code></p>
<h1>${m.title ?? record.packId} <span class="muted">${record.version}</span></h1>
${m.description ? html`<p>${m.description}</p>` : ''}
<p>by <a href="/marketplace/publishers/${encodeURIComponent(record.publisher)}">${
    record.publisher}</a>${verifiedBadge(page.verified)}${record.version !== page.latest
    ? html` · <strong>not the latest</strong>: <a href="${packPath(record.packId)}">see ${
      page.latest}</a>` : ''}</p>
${stateNotice(page.states.get(record.version))}
${packIcon(page.details)}
${versionSwitcher(record.packId, page.records, record.version)}
${glance(page, snapshot)}
</div><aside class="panel" aria-label="About this version">
${factsList(record, page.verified, signature, pack.manifest.requires_packs ?? [],
    page.states.get(record.version)?.log ?? [])}
${snippetHtml({ ...cli, id: 'install-cli-aside', title: 'Install' })}
</aside></div>`;
}

export function packMain(page: PackPage): SafeHtml {
  const { record, pack } = page.details;
  const contents = contentsOf(page.details);
  const { snapshot } = contents;
  const action = packPath(record.packId, record.version);
  const snippets = snippetsFor({ registryUrl: page.registryUrl, packId: record.packId,
    version: record.version });
  const section = (id: string, title: string, body: SafeHtml) =>
    html`<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${title}</h2>${body}
</section>`;
  return html`${head(page, snapshot)}
<nav aria-label="On this page"><ul class="toc">${SECTIONS.map(([id, title]) =>
    html`<li><a href="#${id}">${title}</a></li>`)}</ul></nav>
${section('readme', 'README', contents.readme)}
${section('versions', 'Versions', versionsTable(page.records, record.version, page.latest,
    page.downloads, page.states))}
${section('topics', 'Topics', contents.topics)}
${section('policy', 'Policy rules', contents.policy)}
${section('workflows', 'Workflows', contents.workflows)}
${section('schemas', 'JSON Schemas', contents.schemas)}
${section('try', 'Try the policy', html`<div class="simulate"><p id="try-help">Describe a job;
 see what this pack's policy decides for it.</p>${simulationForm(pack, `${action}#try`,
    page.simulation?.request)}
<div id="simulation-result" tabindex="-1" aria-live="off">${page.simulation
    ? simulationResult(page.simulation) : ''}</div></div>`)}
${section('install', 'Install', html`${snippets.map(snippetHtml)}`)}
${section('changes', 'What changed', changesSection(page))}`;
}

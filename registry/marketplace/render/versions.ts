/**
 * The facts about a pack (publisher, license, links, compatibility, digest,
 * signature) and the table of every version with its date, state, digest,
 * signer and downloads.
 */
import type { PackMetadata } from '../../../packs/manifest.js';
import type { VersionRecord } from '../../store/packs.js';
import { html, type SafeHtml } from '../html.js';
import type { SignatureStatus } from '../pack/details.js';
import type { LogRecord, VersionState } from '../store/states.js';
import { packPath, publisherPath } from '../paths.js';

export function verifiedBadge(verified: boolean): SafeHtml {
  return verified ? html` <span class="badge-verified" title="An admin of this registry verified
 this publisher">verified publisher</span>` : html``;
}

/** A display link to another site: only http(s); the text says where it goes. */
export function externalLink(url: string | undefined): SafeHtml {
  if (!url) return html`<span class="muted">–</span>`;
  if (!/^https?:\/\//i.test(url)) return html`<code>${url}</code>`;
  return html`<a href="${url}" rel="nofollow noopener noreferrer">${url}</a>`;
}

function logText(log: LogRecord[], bundleEntries: number): SafeHtml {
  const publish = log.find((e) => e.kind === 'publish');
  const ours = publish ? html`transparency log entry #${publish.index}`
    : html`not in this registry's transparency log`;
  return html`${ours}${bundleEntries > 0 ? `; the bundle carries ${bundleEntries} log entr${
    bundleEntries === 1 ? 'y' : 'ies'}` : ''}`;
}

export function signatureText(sig: SignatureStatus, log: LogRecord[]): SafeHtml {
  if (sig.state === 'verified') {
    return html`<strong class="diff-added">verified</strong> with key <code>${sig.keyId}</code>
 of ${sig.keyPublisher}; ${logText(log, sig.tlogEntries)}`;
  }
  return html`<strong class="diff-removed">does not verify</strong> (${sig.code}): ${sig.message}`;
}

export function factsList(record: VersionRecord, verified: boolean, sig: SignatureStatus,
  requiresPacks: string[], log: LogRecord[]): SafeHtml {
  const m: PackMetadata = record.manifest.metadata;
  const compat = record.manifest.compatibility;
  const author = m.author ?? m.authors?.join(', ');
  const core = [compat?.minCoreVersion && `≥ ${compat.minCoreVersion}`,
    compat?.maxCoreVersion && `≤ ${compat.maxCoreVersion}`].filter(Boolean).join(', ');
  return html`<dl class="facts">
<dt>Publisher</dt><dd><a href="${publisherPath(record.publisher)}">${record.publisher}</a>${
    verifiedBadge(verified)}</dd>
${author ? html`<dt>Author</dt><dd>${author}</dd>` : ''}
<dt>License</dt><dd>${m.license ?? html`<span class="muted">not stated</span>`}</dd>
<dt>Homepage</dt><dd>${externalLink(m.homepage)}</dd>
<dt>Source</dt><dd>${externalLink(m.source ?? m.sourceRepo)}</dd>
<dt>Core</dt><dd>${core || html`<span class="muted">any</span>`}${compat?.protocolVersion
    ? `; protocol ${compat.protocolVersion}` : ''}</dd>
<dt>Needs packs</dt><dd>${requiresPacks.length ? requiresPacks.map((p, i) => html`${i ? ', ' : ''}<a
 href="${packPath(p)}">${p}</a>`) : html`<span class="muted">none</span>`}</dd>
<dt>Published</dt><dd><time datetime="${record.publishedAt}">${record.publishedAt.slice(0, 10)}
</time></dd>
<dt>SHA-256</dt><dd><code>${record.sha256}</code></dd>
<dt>Signature</dt><dd>${signatureText(sig, log)}</dd>
</dl>`;
}

function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

function stateCell(state: VersionState | undefined): SafeHtml {
  const { yanked, deprecated } = state ?? {};
  if (!yanked && !deprecated) return html`active`;
  return html`${yanked ? html`<strong class="diff-removed">yanked</strong> <time datetime="${
    yanked.at}">${yanked.at.slice(0, 10)}</time>${yanked.reason ? html`: ${yanked.reason}` : ''}`
    : ''}${yanked && deprecated ? html`<br>` : ''}${deprecated
    ? html`<strong>deprecated</strong>: ${deprecated.message}` : ''}`;
}

function logCell(packId: string, version: string, state: VersionState | undefined): SafeHtml {
  const log = state?.log ?? [];
  if (log.length === 0) return html`<span class="muted">none</span>`;
  const query = `pack=${encodeURIComponent(packId)}&version=${encodeURIComponent(version)}`;
  return html`<a href="/v1/log/entries?${query}">${log.map((e, i) => `${i ? ', ' : ''}#${e.index} ${
    e.kind}`)}</a>`;
}

export function versionsTable(records: VersionRecord[], current: string, latest: string,
  downloads: Map<string, number>, states: Map<string, VersionState>): SafeHtml {
  const rows = records.map((r) => {
    const here = r.version === current;
    return html`<tr${here ? html` aria-current="true"` : ''}><th scope="row"><a href="${packPath(
      r.packId, r.version)}">${r.version}</a>${r.version === latest ? ' (latest)' : ''}${here
      ? html` <span class="muted">(shown)</span>` : ''}</th>
<td><time datetime="${r.publishedAt}">${r.publishedAt.slice(0, 10)}</time></td>
<td>${stateCell(states.get(r.version))}</td><td>${kib(r.size)}</td><td><code title="${
      r.sha256}">${r.sha256.slice(0, 16)}…</code></td><td><code title="${r.keyId}">${
      r.keyId.slice(0, 16)}…</code></td>
<td>${logCell(r.packId, r.version, states.get(r.version))}</td>
<td>${downloads.get(r.version) ?? 0}</td></tr>`;
  });
  return html`<div class="scroll" tabindex="0" role="region" aria-label="Versions table">
<table id="versions-table"><thead><tr><th scope="col">Version</th><th scope="col">Published</th>
<th scope="col">State</th><th scope="col">Size</th><th scope="col">SHA-256</th>
<th scope="col">Signed by key</th><th scope="col">Transparency log</th>
<th scope="col">Downloads</th></tr></thead>
<tbody>${rows}</tbody></table></div>
<p class="muted">Every version was verified against its publisher's registered key when it was
 published; the version shown was verified again for this page.</p>`;
}

/**
 * The version switcher: a form whose button shows the chosen version. It does not
 * navigate on change: arrowing through a select by keyboard must not leave the page.
 */
export function versionSwitcher(packId: string, records: VersionRecord[], current: string):
  SafeHtml {
  return html`<form method="get" action="${packPath(packId)}" class="switcher">
<label for="version-select">Version</label>
<select id="version-select" name="version">${records.map((r) => html`<option value="${
    r.version}"${r.version === current ? html` selected` : ''}>${r.version}</option>`)}</select>
<button type="submit" class="secondary">Show</button></form>`;
}

/**
 * The smaller pages: a publisher (its packs and keys), the collections, one
 * collection, a pack's changelog, sign-in, and errors.
 */
import type { KeyRecord } from '../../store/keys.js';
import type { ChangelogStep } from '../changelog/step.js';
import { html, type SafeHtml } from '../html.js';
import { changelogPath, collectionPath, packPath } from '../paths.js';
import { packCard } from '../render/cards.js';
import { changelogHtml } from '../render/changelog.js';
import { verifiedBadge } from '../render/versions.js';
import type { Collection } from '../store/collections.js';
import type { Verification } from '../store/verified.js';
import type { SearchHit } from '../search/sql.js';

export function publisherMain(name: string, hits: SearchHit[], keys: KeyRecord[],
  verification: Verification | undefined): SafeHtml {
  return html`<p class="muted"><a href="/marketplace/">Packs</a> / publisher</p>
<h1>${name}${verifiedBadge(verification !== undefined)}</h1>
${verification ? html`<p>Verified by this registry's admins on <time datetime="${
    verification.verifiedAt}">${verification.verifiedAt.slice(0, 10)}</time>${verification.note
    ? html`: ${verification.note}` : ''}.</p>` : ''}
<h2>Packs (${hits.length})</h2>
${hits.length ? html`<ul class="cards">${hits.map((h) => packCard(h))}</ul>`
    : html`<p class="muted">No packs published yet.</p>`}
<h2>Signing keys (${keys.length})</h2>
${keys.length ? html`<div class="scroll" tabindex="0" role="region" aria-label="Signing keys">
<table id="keys-table"><thead><tr><th scope="col">Key id</th><th scope="col">Registered</th>
<th scope="col">Public key</th></tr></thead><tbody>${keys.map((k) => html`<tr id="key-${
    k.key_id}"><th scope="row"><code>${k.key_id}</code></th><td><time datetime="${k.created_at}">${
    k.created_at.slice(0, 10)}</time></td><td><details><summary>PEM</summary><pre>${
    k.public_key}</pre></details></td></tr>`)}</tbody></table></div>`
    : html`<p class="muted">No keys registered.</p>`}`;
}

export function collectionsMain(collections: Collection[]): SafeHtml {
  return html`<h1>Collections</h1>
<p class="muted">Lists of packs the admins of this registry chose.</p>
${collections.length ? html`<ul>${collections.map((c) => html`<li><a href="${collectionPath(
    c.slug)}">${c.title}</a> (${c.packs.length} pack${c.packs.length === 1 ? '' : 's'})${
    c.description ? html` — ${c.description}` : ''}</li>`)}</ul>`
    : html`<p>No collections yet. An admin makes one with
 <code>PUT /v1/marketplace/collections/{slug}</code>.</p>`}`;
}

export function collectionMain(c: Collection, hits: SearchHit[]): SafeHtml {
  return html`<p class="muted"><a href="/marketplace/collections">Collections</a> / ${c.slug}</p>
<h1>${c.title}</h1>${c.description ? html`<p>${c.description}</p>` : ''}
${hits.length ? html`<ul class="cards">${hits.map((h) => packCard(h, 'h2'))}</ul>`
    : html`<p class="muted">This collection is empty.</p>`}`;
}

export function changelogMain(id: string, title: string, versions: string[],
  changes: ChangelogStep[], chosen: { from?: string; to?: string }): SafeHtml {
  const select = (name: 'from' | 'to', label: string, value: string | undefined) =>
    html`<div class="field"><label for="cl-${name}">${label}</label><select id="cl-${name}"
 name="${name}">${versions.map((v) => html`<option value="${v}"${v === value ? html` selected`
    : ''}>${v}</option>`)}</select></div>`;
  return html`<p class="muted"><a href="/marketplace/">Packs</a> / <a href="${
    packPath(id)}">${id}</a>
 / changelog</p>
<h1>Changelog of ${title}</h1>
<p>What each upgrade changes: policy rules, topics, capabilities, risk tags, workflows and
 schemas. Compare any two versions:</p>
<form method="get" action="${changelogPath(id)}" class="filters">
${select('from', 'From', chosen.from ?? versions[1])}${select('to', 'To', chosen.to ?? versions[0])}
<div class="field"><button type="submit">Compare</button></div></form>
${changes.length ? changes.map((c) => changelogHtml(c, 2))
    : html`<p class="muted">Only one version is published.</p>`}`;
}

export function loginMain(next: string, message: string | undefined): SafeHtml {
  return html`<div class="login"><h1>Sign in</h1>
<p>This registry needs a token to read. Paste a registry token (any scope); it is kept in an
 HttpOnly cookie on this browser for 12 hours and sent only to this registry.</p>
${message ? html`<p class="notice error" role="alert">${message}</p>` : ''}
<form method="post" action="/marketplace/login">
<input type="hidden" name="next" value="${next}">
<label for="token">Token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form></div>`;
}

export function errorMain(status: number, title: string, detail: string): SafeHtml {
  return html`<h1>${title}</h1><p class="notice error">${detail}</p>
<p><a href="/marketplace/">Back to all packs</a></p><p class="muted">HTTP ${status}</p>`;
}

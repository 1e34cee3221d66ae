/** A pack as a card in search results and collections. */
import { html, type SafeHtml } from '../html.js';
import { packPath, publisherPath } from '../paths.js';
import type { SearchHit } from '../search/sql.js';
import { verifiedBadge } from './versions.js';
import { clip } from './clip.js';

const MAX_TAGS = 5;

function limited(values: string[], kind: string, label: string): SafeHtml {
  if (values.length === 0) return html``;
  const shown = values.slice(0, MAX_TAGS);
  const more = values.length - shown.length;
  return html`<ul class="tags" aria-label="${label}">${shown.map((v) =>
    html`<li class="tag ${kind}">${v}</li>`)}${more > 0
    ? html`<li class="tag">+${more} more</li>` : ''}</ul>`;
}

export function packCard(hit: SearchHit, headingLevel: 'h2' | 'h3' = 'h3'): SafeHtml {
  const m = hit.metadata;
  const capabilities = [...new Set(hit.topics.map((t) => t.capability).filter(
    (c): c is string => !!c))].sort();
  const risks = [...new Set(hit.topics.flatMap((t) => t.riskTags ?? []))].sort();
  const h = headingLevel;
  return html`<li class="card" data-pack="${hit.id}">
<${h}><a href="${packPath(hit.id)}">${m.title ?? hit.id}</a></${h}>
<p class="meta"><code>${hit.id}</code> ${hit.version} · by <a href="${
    publisherPath(hit.publisher)}">${hit.publisher}</a>${verifiedBadge(hit.verified)}</p>
${m.description ? html`<p>${clip(m.description, 220)}</p>` : ''}
${limited(capabilities, '', 'Capabilities')}
${limited(risks, 'risk', 'Risk tags')}
<p class="meta">${m.license ?? 'no license stated'} · ${hit.downloads} download${
    hit.downloads === 1 ? '' : 's'} · <time datetime="${hit.publishedAt}">${
    hit.publishedAt.slice(0, 10)}</time></p>
</li>`;
}

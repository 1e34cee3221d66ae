/**
 * Home and search: the search box and filters (all in the URL), the result
 * cards with a pager, and, on the bare home page, the curated collections.
 */
import { attr, html, type SafeHtml } from '../html.js';
import { collectionPath } from '../paths.js';
import { packCard } from '../render/cards.js';
import type { Facets, FacetValue } from '../search/facets.js';
import { SORT_LABELS, SORT_ORDERS, searchParams, type SearchQuery } from '../search/query.js';
import type { SearchHit, SearchPage } from '../search/sql.js';

export interface CollectionCards {
  slug: string;
  title: string;
  description: string;
  hits: SearchHit[];
  total: number;
}

function options(values: FacetValue[], chosen: string | undefined, any: string): SafeHtml {
  const known = values.some((v) => v.value === chosen);
  return html`<option value="">${any}</option>${chosen && !known
    ? html`<option value="${chosen}" selected>${chosen}</option>` : ''}${values.map((v) =>
    html`<option value="${v.value}"${attr('selected', v.value === chosen)}>${v.value} (${v.packs})
</option>`)}`;
}

function datalist(id: string, values: FacetValue[]): SafeHtml {
  return html`<datalist id="${id}">${values.map((v) => html`<option value="${v.value}"></option>`)}
</datalist>`;
}

export function searchForm(query: SearchQuery, facets: Facets): SafeHtml {
  return html`<form id="search-form" class="search" role="search" method="get"
 action="/marketplace/">
<div class="query"><label class="sr-only" for="q">Search packs</label>
<input id="q" type="search" name="q" value="${query.text}" autocomplete="off"
 placeholder="Search by id, title, description, topic or capability" aria-controls="results">
<button type="submit" data-js-hide>Search</button></div>
<div class="filters">
<div class="field"><label for="f-capability">Capability</label>
<input id="f-capability" name="capability" list="capabilities" value="${query.capability ?? ''}"
 autocomplete="off">${datalist('capabilities', facets.capability)}</div>
<div class="field"><label for="f-risk">Risk tag</label><select id="f-risk" name="risk">${
    options(facets.risk, query.riskTag, 'Any risk')}</select></div>
<div class="field"><label for="f-publisher">Publisher</label>
<input id="f-publisher" name="publisher" list="publishers" value="${query.publisher ?? ''}"
 autocomplete="off">${datalist('publishers', facets.publisher)}</div>
<div class="field"><label for="f-license">License</label><select id="f-license" name="license">${
    options(facets.license, query.license, 'Any license')}</select></div>
<div class="field"><label for="f-sort">Sort by</label><select id="f-sort" name="sort"
 data-default="relevance">${
    SORT_ORDERS.map((s) => html`<option value="${s}"${attr('selected', s === query.sort)}>${
      SORT_LABELS[s]}</option>`)}</select></div>
<div class="field check"><input type="checkbox" id="f-verified" name="verified" value="1"${
    attr('checked', query.verified)}><label for="f-verified">Verified publishers only</label></div>
</div></form>`;
}

function pager(query: SearchQuery, total: number): SafeHtml {
  const pages = Math.max(1, Math.ceil(total / query.perPage));
  if (pages <= 1) return html``;
  const link = (page: number, label: string, rel?: string) =>
    html`<a href="/marketplace/?${searchParams(query, { page })}"${attr('rel', rel)}${
      attr('aria-current', page === query.page && 'page')}>${label}</a>`;
  const around = [1, query.page - 2, query.page - 1, query.page, query.page + 1, query.page + 2,
    pages].filter((p, i, all) => p >= 1 && p <= pages && all.indexOf(p) === i)
    .sort((a, b) => a - b);
  const items: SafeHtml[] = [];
  around.forEach((p, i) => {
    if (i > 0 && p - around[i - 1]! > 1) items.push(html`<span aria-hidden="true">…</span>`);
    items.push(link(p, String(p)));
  });
  return html`<nav class="pager" aria-label="Result pages">${query.page > 1
    ? link(query.page - 1, 'Previous', 'prev') : ''}${items}${query.page < pages
    ? link(query.page + 1, 'Next', 'next') : ''}</nav>`;
}

function summaryText(query: SearchQuery, result: SearchPage): string {
  const what = result.total === 1 ? '1 pack' : `${result.total} packs`;
  const words = query.text ? ` match${result.total === 1 ? 'es' : ''} “${query.text}”` : '';
  const pages = Math.max(1, Math.ceil(result.total / query.perPage));
  return `${what}${words}${pages > 1 ? `, page ${query.page} of ${pages}` : ''}`;
}

/** The results block; also the fragment the page script swaps in as you type. */
export function resultsHtml(query: SearchQuery, result: SearchPage): SafeHtml {
  const summary = summaryText(query, result);
  if (result.hits.length === 0) {
    return html`<p class="summary" data-summary="${summary}">${summary}. ${result.total > 0
      ? html`<a href="/marketplace/?${searchParams(query, { page: 1 })}">Back to page 1</a>`
      : 'Try fewer words, or remove a filter.'}</p>`;
  }
  return html`<p class="summary" data-summary="${summary}">${summary}</p>
<ul class="cards">${result.hits.map((h) => packCard(h))}</ul>${pager(query, result.total)}`;
}

function collectionsHtml(collections: CollectionCards[]): SafeHtml {
  return html`${collections.filter((c) => c.hits.length > 0).map((c) => html`<section
 aria-labelledby="collection-${c.slug}"><h2 id="collection-${c.slug}">${c.title}</h2>
${c.description ? html`<p>${c.description}</p>` : ''}
<ul class="cards">${c.hits.map((h) => packCard(h))}</ul>
${c.total > c.hits.length ? html`<p><a href="${collectionPath(c.slug)}">All ${c.total} packs in ${
    c.title}</a></p>` : ''}</section>`)}`;
}

export function homeMain(query: SearchQuery, facets: Facets, result: SearchPage,
  collections: CollectionCards[]): SafeHtml {
  return html`<h1>Find a pack</h1>
<p class="muted">Packs add topics, workflows and policy rules to Cordum. See what each one lets an
 agent do, who signed it, and how to install it.</p>
${searchForm(query, facets)}
${collectionsHtml(collections)}
<h2 id="results-title">Packs</h2>
<section id="results" aria-labelledby="results-title" tabindex="-1">
${resultsHtml(query, result)}</section>`;
}

/** Marketplace pages for finding packs: home and search, collections, publishers. */
import { RegistryError } from '../errors.js';
import { collectionMain, collectionsMain, publisherMain } from '../marketplace/pages/others.js';
import { homeMain, resultsHtml, type CollectionCards } from '../marketplace/pages/home.js';
import { parseSearch, type SearchQuery } from '../marketplace/search/query.js';
import { searchPacks, type SearchHit } from '../marketplace/search/sql.js';
import { marketplaceRead } from '../marketplace/session.js';
import { htmlRoute, type Site } from '../marketplace/site.js';
import { findCollection, listCollections, type Collection } from
  '../marketplace/store/collections.js';
import { findVerification, publisherExists } from '../marketplace/store/verified.js';
import type { RegistryRouter } from '../state.js';
import { readablePublishers } from '../tenancy/roles.js';
import { hiddenPackIds } from '../tenancy/visibility.js';
import { listKeys } from '../store/keys.js';
import type { Queryable } from '../../storage/database.js';
import { param } from './params.js';

const HOME_COLLECTIONS = 4;
const CARDS_PER_COLLECTION = 6;
const ALL = 10_000;

const everything = (over: Partial<SearchQuery> = {}): SearchQuery =>
  ({ ...parseSearch({}), perPage: ALL, ...over });

/** The packs of a collection, in the order the admin gave. */
async function collectionHits(db: Queryable, c: Collection): Promise<SearchHit[]> {
  const { hits } = await searchPacks(db, everything(), c.packs);
  const byId = new Map(hits.map((h) => [h.id, h]));
  return c.packs.map((id) => byId.get(id)).filter((h): h is SearchHit => h !== undefined);
}

async function homeCollections(db: Queryable): Promise<CollectionCards[]> {
  const collections = (await listCollections(db)).slice(0, HOME_COLLECTIONS);
  return Promise.all(collections.map(async (c) => {
    const hits = await collectionHits(db, c);
    return { slug: c.slug, title: c.title, description: c.description,
      hits: hits.slice(0, CARDS_PER_COLLECTION), total: hits.length };
  }));
}

function isBareHome(q: SearchQuery): boolean {
  return !q.text && !q.capability && !q.riskTag && !q.publisher && !q.license && !q.verified &&
    q.page === 1;
}

export function mountMarketplaceBrowse(router: RegistryRouter, site: Site): void {
  const { db } = site.deps;
  const read = marketplaceRead(site.deps);

  // The router is not strict about a trailing slash: this also serves `/marketplace`.
  router.get('/marketplace/', read, htmlRoute(site, async (ctx) => {
    const query = parseSearch(ctx.query);
    const result = await searchPacks(db, query, undefined, readablePublishers(ctx.state.actor));
    if (ctx.query.partial === 'results') return { fragment: resultsHtml(query, result) };
    const [facets, collections] = await Promise.all([site.facets.get(db),
      isBareHome(query) ? homeCollections(db) : Promise.resolve([])]);
    return { page: { title: query.text ? `“${query.text}”` : 'Packs',
      description: 'Find, judge and install Cordum packs',
      main: homeMain(query, facets, result, collections) } };
  }));

  router.get('/marketplace/collections', read, htmlRoute(site, async () => {
    // Counted as their cards are shown: public packs only, whoever reads the page.
    const hidden = await hiddenPackIds(db, undefined);
    const collections = (await listCollections(db))
      .map((c) => ({ ...c, packs: c.packs.filter((id) => !hidden.has(id)) }));
    return { page: { title: 'Collections', headerSearch: true,
      main: collectionsMain(collections) } };
  }));

  router.get('/marketplace/collections/:slug', read, htmlRoute(site, async (ctx) => {
    const slug = param(ctx, 'slug');
    const collection = await findCollection(db, slug);
    if (!collection) throw new RegistryError('not_found', `no collection ${JSON.stringify(slug)}`);
    const hits = await collectionHits(db, collection);
    return { page: { title: collection.title, headerSearch: true,
      main: collectionMain(collection, hits) } };
  }));

  router.get('/marketplace/publishers/:publisher', read, htmlRoute(site, async (ctx) => {
    const name = param(ctx, 'publisher');
    const [found, keys, verification] = await Promise.all([
      searchPacks(db, everything({ publisher: name })), listKeys(db, name),
      findVerification(db, name)]);
    if (found.hits.length === 0 && keys.length === 0 && !(await publisherExists(db, name))) {
      throw new RegistryError('not_found', `no publisher ${JSON.stringify(name)} in this registry`);
    }
    return { page: { title: name, headerSearch: true,
      main: publisherMain(name, found.hits, keys, verification) } };
  }));
}

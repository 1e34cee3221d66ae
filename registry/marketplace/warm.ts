/**
 * Runs the home page's queries once at start-up, before the registry says it
 * listens: PGlite plans and loads its pages on a first query, which would
 * otherwise land on the first visitor.
 */
import type { Queryable } from '../../storage/database.js';
import { loadFacets } from './search/facets.js';
import { parseSearch } from './search/query.js';
import { searchPacks } from './search/sql.js';

export async function warmMarketplace(db: Queryable): Promise<void> {
  await loadFacets(db);
  await searchPacks(db, parseSearch({}), undefined, 'all');
}

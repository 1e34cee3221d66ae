/**
 * The values the search filters offer, each with how many packs (at their
 * latest version) have it: capabilities, risk tags, publishers, licenses.
 */
import type { Queryable } from '../../../storage/database.js';
import { LATEST_CTE } from './sql.js';

export interface FacetValue {
  value: string;
  packs: number;
}

export interface Facets {
  capability: FacetValue[];
  risk: FacetValue[];
  publisher: FacetValue[];
  license: FacetValue[];
}

/** How many values of one kind a filter offers (the most common first). */
export const FACET_LIMIT = 100;

/**
 * One narrow row per visible pack (its latest version's publisher, licence,
 * capabilities and risk tags); counting happens below, in memory, which is
 * several times faster than grouping thousands of topic rows in SQL.
 */
const FACTS_SQL = `WITH ${LATEST_CTE}
SELECT p.publisher, l.manifest #>> '{metadata,license}' AS license,
       jsonb_path_query_array(l.manifest, 'lax $.topics[*].capability') AS capabilities,
       jsonb_path_query_array(l.manifest, 'lax $.topics[*].riskTags[*]') AS risks
  FROM latest l JOIN registry_packs p ON p.id = l.pack_id
 -- Private packs (registry/tenancy) are never counted: facets are the same for everyone.
 WHERE NOT p.private`;

interface FactRow {
  publisher: string;
  license: string | null;
  capabilities: unknown;
  risks: unknown;
}

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
}

/** Most packs first, then by value; at most FACET_LIMIT. */
function ranked(counts: Map<string, number>): FacetValue[] {
  return [...counts].map(([value, packs]) => ({ value, packs }))
    .sort((a, b) => b.packs - a.packs || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, FACET_LIMIT);
}

export async function loadFacets(db: Queryable): Promise<Facets> {
  const { rows } = await db.query<FactRow>(FACTS_SQL);
  const counts = { capability: new Map<string, number>(), risk: new Map<string, number>(),
    publisher: new Map<string, number>(), license: new Map<string, number>() };
  const add = (map: Map<string, number>, values: Iterable<string>) => {
    for (const v of new Set(values)) map.set(v, (map.get(v) ?? 0) + 1);
  };
  for (const row of rows) {
    add(counts.capability, strings(row.capabilities));
    add(counts.risk, strings(row.risks));
    add(counts.publisher, [row.publisher]);
    if (row.license) add(counts.license, [row.license]);
  }
  return { capability: ranked(counts.capability), risk: ranked(counts.risk),
    publisher: ranked(counts.publisher), license: ranked(counts.license) };
}

/**
 * What the facets depend on, read in one cheap query: versions (never
 * deleted, so count and newest date move on every publish), which packs
 * are private, and what decides each pack's latest version besides its
 * versions: the yanked ones and the `latest` dist-tags (a yank or a tag can
 * take a pack, or its latest licence and capabilities, out of the counts).
 * Several registry processes stay in step through it.
 */
const STAMP_SQL = `SELECT count(*)::text || '/' || coalesce(max(published_at)::text, '') || '/' ||
  (SELECT coalesce(string_agg(id, ',' ORDER BY id), '') FROM registry_packs WHERE private)
  || '/' || (SELECT md5(coalesce(string_agg(pack_id || '@' || version, ','
    ORDER BY pack_id, version), '')) FROM registry_yanks)
  || '/' || (SELECT md5(coalesce(string_agg(pack_id || '@' || version, ',' ORDER BY pack_id), ''))
    FROM registry_dist_tags WHERE tag = 'latest')
  AS stamp FROM registry_versions`;

/** Facets computed once per change of what they depend on. */
export class FacetsCache {
  private cached: { stamp: string; facets: Promise<Facets> } | undefined;

  async get(db: Queryable): Promise<Facets> {
    const { rows } = await db.query<{ stamp: string }>(STAMP_SQL);
    const stamp = rows[0]?.stamp ?? '';
    if (this.cached?.stamp !== stamp) {
      const facets = loadFacets(db);
      this.cached = { stamp, facets };
      facets.catch(() => {
        if (this.cached?.facets === facets) this.cached = undefined;
      });
    }
    return this.cached.facets;
  }
}

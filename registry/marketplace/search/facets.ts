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

const FACETS_SQL = `WITH ${LATEST_CTE},
visible AS (
  SELECT l.pack_id, l.manifest, p.publisher FROM latest l
    JOIN registry_packs p ON p.id = l.pack_id
   -- Private packs (registry/tenancy) are never counted: facets are the same for everyone.
   WHERE NOT p.private
),
topics AS (
  SELECT v.pack_id, t FROM visible v,
    jsonb_array_elements(CASE WHEN jsonb_typeof(v.manifest -> 'topics') = 'array'
      THEN v.manifest -> 'topics' ELSE '[]'::jsonb END) AS t
),
facts AS (
  SELECT 'capability' AS kind, t ->> 'capability' AS value, pack_id FROM topics
  UNION ALL
  SELECT 'risk', r, pack_id FROM topics,
    jsonb_array_elements_text(CASE WHEN jsonb_typeof(t -> 'riskTags') = 'array'
      THEN t -> 'riskTags' ELSE '[]'::jsonb END) AS r
  UNION ALL
  SELECT 'license', manifest #>> '{metadata,license}', pack_id FROM visible
  UNION ALL
  SELECT 'publisher', publisher, pack_id FROM visible
)
SELECT kind, value, count(DISTINCT pack_id)::int AS packs FROM facts
 WHERE value IS NOT NULL AND value <> ''
 GROUP BY kind, value
 ORDER BY kind, packs DESC, value`;

export async function loadFacets(db: Queryable): Promise<Facets> {
  const { rows } = await db.query<{ kind: keyof Facets; value: string; packs: number }>(
    FACETS_SQL,
  );
  const facets: Facets = { capability: [], risk: [], publisher: [], license: [] };
  for (const row of rows) {
    const list = facets[row.kind];
    if (list && list.length < FACET_LIMIT) {
      list.push({ value: row.value, packs: Number(row.packs) });
    }
  }
  return facets;
}

/**
 * What the facets depend on, read in one cheap query: versions (never
 * deleted, so count and newest date move on every publish) and which packs
 * are private. Several registry processes stay in step through it.
 */
const STAMP_SQL = `SELECT count(*)::text || '/' || coalesce(max(published_at)::text, '') || '/' ||
  (SELECT coalesce(string_agg(id, ',' ORDER BY id), '') FROM registry_packs WHERE private)
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

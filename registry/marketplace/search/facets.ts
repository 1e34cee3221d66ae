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
topics AS (
  SELECT l.pack_id, t FROM latest l,
    jsonb_array_elements(CASE WHEN jsonb_typeof(l.manifest -> 'topics') = 'array'
      THEN l.manifest -> 'topics' ELSE '[]'::jsonb END) AS t
),
facts AS (
  SELECT 'capability' AS kind, t ->> 'capability' AS value, pack_id FROM topics
  UNION
  SELECT 'risk', r, pack_id FROM topics,
    jsonb_array_elements_text(CASE WHEN jsonb_typeof(t -> 'riskTags') = 'array'
      THEN t -> 'riskTags' ELSE '[]'::jsonb END) AS r
  UNION
  SELECT 'license', l.manifest #>> '{metadata,license}', l.pack_id FROM latest l
  UNION
  SELECT 'publisher', p.publisher, l.pack_id FROM latest l JOIN registry_packs p ON p.id = l.pack_id
)
SELECT kind, value, count(*)::int AS packs FROM facts
 WHERE value IS NOT NULL AND value <> ''
   -- Private packs (registry/tenancy) are never counted: facets are the same for everyone.
   AND pack_id NOT IN (SELECT id FROM registry_packs WHERE private)
 GROUP BY kind, value
 ORDER BY kind, packs DESC, value`;

export async function loadFacets(db: Queryable): Promise<Facets> {
  const { rows } = await db.query<{ kind: keyof Facets; value: string; packs: number }>(
    FACETS_SQL,
  );
  const facets: Facets = { capability: [], risk: [], publisher: [], license: [] };
  for (const row of rows) {
    const list = facets[row.kind];
    if (list && list.length < FACET_LIMIT) list.push({ value: row.value, packs: Number(row.packs) });
  }
  return facets;
}

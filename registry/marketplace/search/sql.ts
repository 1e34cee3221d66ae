/**
 * The search SQL: the latest version of each pack (as `registry/latest.ts`
 * picks it, see LATEST_CTE), matched against the
 * `search` tsvector column of migration `0100_marketplace`, filtered,
 * sorted and paged, in SQL that PGlite and PostgreSQL both run. A page is
 * found with narrow rows first; only its own packs' manifests are read.
 */
import type { Queryable } from '../../../storage/database.js';
import type { PackMetadata, PackTopic } from '../../../packs/manifest.js';
import { isoTime } from '../../store/rows.js';
import { tsQueryText, type SearchQuery, type SortOrder } from './query.js';

/**
 * `latest`: the latest version row of each pack, as registry/latest.ts
 * picks it: the `latest` dist-tag's version unless yanked, else the highest
 * version not yanked. A pack whose every version is yanked has none, and is
 * not found.
 * Releases sort before pre-releases, then by numeric major.minor.patch;
 * pre-releases of one core compare as text (`rc.10` before `rc.9`), a
 * simplification noted in docs/marketplace.md.
 */
export const LATEST_CTE = `latest_version AS (
  SELECT DISTINCT ON (v.pack_id) v.pack_id, v.version FROM registry_versions v
    LEFT JOIN registry_yanks y ON y.pack_id = v.pack_id AND y.version = v.version
    LEFT JOIN registry_dist_tags t
      ON t.pack_id = v.pack_id AND t.tag = 'latest' AND t.version = v.version
   WHERE y.pack_id IS NULL
   ORDER BY v.pack_id,
     (t.pack_id IS NULL),
     (regexp_replace(v.version, '\\+.*$', '') ~ '-'),
     string_to_array(regexp_replace(v.version, '[-+].*$', ''), '.')::numeric[] DESC,
     v.version DESC
),
latest AS (
  SELECT v.pack_id, v.version, v.published_at, v.manifest, v.search
    FROM latest_version lv JOIN registry_versions v USING (pack_id, version)
)`;

const BY_NAME = "lower(coalesce(l.manifest #>> '{metadata,title}', l.pack_id)), l.pack_id";
const ORDER_BY: Record<SortOrder, string> = {
  relevance: `rank DESC, ${BY_NAME}`,
  name: BY_NAME,
  newest: 'l.published_at DESC, l.pack_id',
  installs: 'downloads DESC, l.pack_id',
};

export interface SearchHit {
  id: string;
  publisher: string;
  version: string;
  publishedAt: string;
  metadata: PackMetadata;
  topics: PackTopic[];
  verified: boolean;
  downloads: number;
}

export interface SearchPage {
  hits: SearchHit[];
  /** Packs matching, over all pages. */
  total: number;
}

interface KeyRow {
  pack_id: string;
  version: string;
  publisher: string;
  published_at: unknown;
  verified: boolean;
  downloads: unknown;
  total: unknown;
}

function pageSql(sort: SortOrder): string {
  return `WITH ${LATEST_CTE},
counted AS (
  SELECT pack_id, sum(downloads)::bigint AS downloads FROM registry_downloads GROUP BY pack_id
)
SELECT l.pack_id, l.version, p.publisher, l.published_at,
       (vp.publisher IS NOT NULL) AS verified, coalesce(c.downloads, 0) AS downloads,
       CASE WHEN $1 = '' THEN 0 ELSE ts_rank(l.search, to_tsquery('simple', $1)) END AS rank,
       count(*) OVER () AS total
  FROM latest l
  JOIN registry_packs p ON p.id = l.pack_id
  LEFT JOIN registry_verified_publishers vp ON vp.publisher = p.publisher
  LEFT JOIN counted c ON c.pack_id = l.pack_id
 WHERE ($1 = '' OR l.search @@ to_tsquery('simple', $1))
   AND ($2::text IS NULL OR l.manifest -> 'topics' @>
        jsonb_build_array(jsonb_build_object('capability', $2::text)))
   AND ($3::text IS NULL OR l.manifest -> 'topics' @>
        jsonb_build_array(jsonb_build_object('riskTags', jsonb_build_array($3::text))))
   AND ($4::text IS NULL OR p.publisher = $4)
   AND ($5::text IS NULL OR l.manifest #>> '{metadata,license}' = $5)
   AND (NOT $6::boolean OR vp.publisher IS NOT NULL)
   AND ($9::text[] IS NULL OR l.pack_id = ANY($9::text[]))
   AND (NOT p.private OR $10::boolean OR p.publisher = ANY($11::text[]))
 ORDER BY ${ORDER_BY[sort]}
 LIMIT $7 OFFSET $8`;
}

const DETAILS_SQL = `SELECT pack_id, version, manifest -> 'metadata' AS metadata,
  manifest -> 'topics' AS topics
  FROM registry_versions WHERE (pack_id, version) IN
  (SELECT * FROM unnest($1::text[], $2::text[]))`;

/**
 * One page of packs matching `query` (and, when given, only packs `ids`).
 * Private packs (registry/tenancy) count only for `readable`'s publishers;
 * without it, only public packs are found.
 */
export async function searchPacks(db: Queryable, query: SearchQuery, ids?: string[],
  readable: Set<string> | 'all' = new Set()): Promise<SearchPage> {
  const params = [
    tsQueryText(query.text),
    query.capability ?? null,
    query.riskTag ?? null,
    query.publisher ?? null,
    query.license ?? null,
    query.verified,
    query.perPage,
    (query.page - 1) * query.perPage,
    ids ?? null,
    readable === 'all',
    readable === 'all' ? [] : [...readable],
  ];
  const keys = (await db.query<KeyRow>(pageSql(query.sort), params)).rows;
  if (keys.length === 0) {
    if (query.page === 1) return { hits: [], total: 0 };
    // Past the last page the window count has no row to ride on: ask for the first one.
    const first = [...params.slice(0, 6), 1, 0, ...params.slice(8)];
    const head = (await db.query<KeyRow>(pageSql(query.sort), first)).rows[0];
    return { hits: [], total: Number(head?.total ?? 0) };
  }

  const { rows } = await db.query<{ pack_id: string; metadata: PackMetadata;
    topics: PackTopic[] | null }>(DETAILS_SQL, [keys.map((k) => k.pack_id),
    keys.map((k) => k.version)]);
  const byId = new Map(rows.map((r) => [r.pack_id, r]));
  const hits = keys.map((k) => {
    const row = byId.get(k.pack_id);
    return {
      id: k.pack_id,
      publisher: k.publisher,
      version: k.version,
      publishedAt: isoTime(k.published_at),
      metadata: row?.metadata ?? { id: k.pack_id, version: k.version },
      topics: Array.isArray(row?.topics) ? row.topics : [],
      verified: k.verified === true,
      downloads: Number(k.downloads),
    };
  });
  return { hits, total: Number(keys[0]!.total) };
}

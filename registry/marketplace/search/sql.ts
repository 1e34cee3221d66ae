/**
 * The search SQL: the latest version of each pack (highest release, else
 * highest pre-release, as `registry/latest.ts` picks), matched against the
 * `search` tsvector column of migration `0100_marketplace`, filtered,
 * sorted and paged in one statement that PGlite and PostgreSQL both run.
 */
import type { Queryable } from '../../../storage/database.js';
import type { PackMetadata, PackTopic } from '../../../packs/manifest.js';
import { isoTime } from '../../store/rows.js';
import { tsQueryText, type SearchQuery, type SortOrder } from './query.js';

/**
 * Latest version per pack. Releases sort before pre-releases, then by the
 * numeric major.minor.patch; pre-releases of one core compare as text
 * (`rc.10` before `rc.9`), a simplification noted in docs/marketplace.md.
 */
export const LATEST_CTE = `latest AS (
  SELECT DISTINCT ON (v.pack_id) v.pack_id, v.version, v.published_at, v.manifest, v.search
    FROM registry_versions v
   ORDER BY v.pack_id,
     (regexp_replace(v.version, '\\+.*$', '') ~ '-'),
     string_to_array(regexp_replace(v.version, '[-+].*$', ''), '.')::numeric[] DESC,
     v.version DESC
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

interface HitRow {
  pack_id: string;
  publisher: string;
  version: string;
  published_at: unknown;
  metadata: PackMetadata;
  topics: PackTopic[] | null;
  verified: boolean;
  downloads: unknown;
  total: unknown;
}

function searchSql(sort: SortOrder): string {
  return `WITH ${LATEST_CTE},
counted AS (
  SELECT pack_id, sum(downloads)::bigint AS downloads FROM registry_downloads GROUP BY pack_id
)
SELECT l.pack_id, p.publisher, l.version, l.published_at,
       l.manifest -> 'metadata' AS metadata, l.manifest -> 'topics' AS topics,
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
  const { rows } = await db.query<HitRow>(searchSql(query.sort), params);
  const hits = rows.map((row) => ({
    id: row.pack_id,
    publisher: row.publisher,
    version: row.version,
    publishedAt: isoTime(row.published_at),
    metadata: row.metadata,
    topics: Array.isArray(row.topics) ? row.topics : [],
    verified: row.verified === true,
    downloads: Number(row.downloads),
  }));
  return { hits, total: rows[0] ? Number(rows[0].total) : 0 };
}

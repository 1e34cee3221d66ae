/**
 * When each pack's catalog entry last changed other than by a publish: a
 * yank or its undoing (from the transparency log, which keeps both), or a
 * move of its `latest` dist-tag. Either can change which version the
 * catalog names, so either dates the catalog.
 */
import type { Queryable } from '../../storage/database.js';
import { isoTime } from './rows.js';

export async function entryChangesByPack(db: Queryable): Promise<Map<string, string>> {
  const { rows } = await db.query<{ pack_id: string; at: unknown }>(
    `SELECT pack_id, max(at) AS at FROM (
       SELECT pack_id, created_at AS at FROM registry_tlog_entries
        WHERE kind IN ('yank', 'unyank') AND pack_id IS NOT NULL
       UNION ALL
       SELECT pack_id, updated_at AS at FROM registry_dist_tags WHERE tag = 'latest'
     ) AS changes GROUP BY pack_id`);
  return new Map(rows.map((r) => [r.pack_id, isoTime(r.at)]));
}

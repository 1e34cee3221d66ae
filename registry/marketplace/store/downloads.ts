/**
 * Download counts per version, for "most installed". The tarball route
 * adds its downloads in batches (registry/hardening/download-counts.ts).
 */
import type { Queryable } from '../../../storage/database.js';

export async function recordDownload(db: Queryable, packId: string, version: string, count = 1) {
  await db.query(
    `INSERT INTO registry_downloads (pack_id, version, downloads) VALUES ($1, $2, $3)
     ON CONFLICT (pack_id, version) DO UPDATE
       SET downloads = registry_downloads.downloads + $3`,
    [packId, version, count],
  );
}

/** Downloads of each version of a pack (versions never downloaded are absent). */
export async function versionDownloads(db: Queryable, packId: string):
  Promise<Map<string, number>> {
  const { rows } = await db.query<{ version: string; downloads: unknown }>(
    'SELECT version, downloads FROM registry_downloads WHERE pack_id = $1',
    [packId],
  );
  return new Map(rows.map((r) => [r.version, Number(r.downloads)]));
}

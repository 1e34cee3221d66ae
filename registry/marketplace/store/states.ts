/**
 * The state of each version of a pack beyond "published": yanked (with its
 * reason), from the registry's `registry_yanks` table.
 */
import type { Queryable } from '../../../storage/database.js';
import { isoTime } from '../../store/rows.js';

export interface VersionState {
  yankedAt: string;
  reason: string | null;
}

export async function versionStates(db: Queryable, packId: string):
  Promise<Map<string, VersionState>> {
  const { rows } = await db.query<{ version: string; yanked_at: unknown; reason: string | null }>(
    'SELECT version, yanked_at, reason FROM registry_yanks WHERE pack_id = $1',
    [packId],
  );
  return new Map(rows.map((r) => [r.version, { yankedAt: isoTime(r.yanked_at),
    reason: r.reason }]));
}

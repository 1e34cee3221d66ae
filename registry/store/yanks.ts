/** Yanked versions: still stored and downloadable by exact version, never resolved. */
import type { Queryable } from '../../storage/database.js';
import { isoTime } from './rows.js';

export interface YankRecord {
  yanked_at: string;
  reason: string | null;
}

export async function findYank(
  db: Queryable,
  id: string,
  version: string,
): Promise<YankRecord | undefined> {
  const { rows } = await db.query<{ yanked_at: unknown; reason: string | null }>(
    'SELECT yanked_at, reason FROM registry_yanks WHERE pack_id = $1 AND version = $2',
    [id, version],
  );
  const row = rows[0];
  return row ? { yanked_at: isoTime(row.yanked_at), reason: row.reason } : undefined;
}

/** Versions of `id` that are yanked. */
export async function yankedVersions(db: Queryable, id: string): Promise<Set<string>> {
  const { rows } = await db.query<{ version: string }>(
    'SELECT version FROM registry_yanks WHERE pack_id = $1',
    [id],
  );
  return new Set(rows.map((r) => r.version));
}

/** Every yanked version, by pack id. */
export async function yankedByPack(db: Queryable): Promise<Map<string, Set<string>>> {
  const { rows } = await db.query<{ pack_id: string; version: string }>(
    'SELECT pack_id, version FROM registry_yanks',
  );
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = out.get(r.pack_id) ?? new Set<string>();
    set.add(r.version);
    out.set(r.pack_id, set);
  }
  return out;
}

export async function setYank(
  db: Queryable,
  id: string,
  version: string,
  yank: { reason: string | null; now: Date } | null,
): Promise<boolean> {
  if (yank === null) {
    const gone = await db.query('DELETE FROM registry_yanks WHERE pack_id = $1 AND version = $2',
      [id, version]);
    return gone.rowCount === 1;
  }
  const made = await db.query(
    `INSERT INTO registry_yanks (pack_id, version, reason, yanked_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (pack_id, version) DO NOTHING`,
    [id, version, yank.reason, yank.now],
  );
  return made.rowCount === 1;
}

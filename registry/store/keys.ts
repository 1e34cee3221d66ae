/** Public keys, each registered to one publisher. */
import type { Queryable } from '../../storage/database.js';
import { isoTime } from './rows.js';

export interface KeyRecord {
  key_id: string;
  publisher: string;
  public_key: string;
  created_at: string;
}

interface KeyRow {
  key_id: string;
  publisher: string;
  public_key: string;
  created_at: unknown;
}

function toRecord(row: KeyRow): KeyRecord {
  return {
    key_id: row.key_id,
    publisher: row.publisher,
    public_key: row.public_key,
    created_at: isoTime(row.created_at),
  };
}

/** Inserts a key; false when `key_id` is already registered. */
export async function insertKey(
  db: Queryable,
  key: { keyId: string; publisher: string; publicPem: string },
  now: Date,
): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO registry_keys (key_id, publisher, public_key, created_at)
     VALUES ($1, $2, $3, $4) ON CONFLICT (key_id) DO NOTHING`,
    [key.keyId, key.publisher, key.publicPem, now],
  );
  return result.rowCount === 1;
}

export async function findKey(db: Queryable, keyId: string): Promise<KeyRecord | undefined> {
  const { rows } = await db.query<KeyRow>(
    'SELECT key_id, publisher, public_key, created_at FROM registry_keys WHERE key_id = $1',
    [keyId],
  );
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function listKeys(db: Queryable, publisher?: string): Promise<KeyRecord[]> {
  const { rows } = await db.query<KeyRow>(
    `SELECT key_id, publisher, public_key, created_at FROM registry_keys
      WHERE $1::text IS NULL OR publisher = $1 ORDER BY publisher, created_at, key_id`,
    [publisher ?? null],
  );
  return rows.map(toRecord);
}

/** Deprecated versions: still resolved and installed, with the publisher's message. */
import type { Queryable } from '../../storage/database.js';
import { isoTime } from '../store/rows.js';

export interface Deprecation {
  message: string;
  deprecated_at: string;
}

export async function deprecationsOf(db: Queryable, id: string)
  : Promise<Map<string, Deprecation>> {
  const { rows } = await db.query<{ version: string; message: string; deprecated_at: unknown }>(
    'SELECT version, message, deprecated_at FROM registry_deprecations WHERE pack_id = $1',
    [id],
  );
  return new Map(rows.map((r) => [r.version, { message: r.message,
    deprecated_at: isoTime(r.deprecated_at) }]));
}

/**
 * Sets (a message) or clears (null) the deprecation of id@version; whether that changed
 * anything (the same message again keeps its `deprecated_at`).
 */
export async function setDeprecation(db: Queryable, id: string, version: string,
  message: string | null, now: Date): Promise<boolean> {
  if (message === null) {
    const gone = await db.query(
      'DELETE FROM registry_deprecations WHERE pack_id = $1 AND version = $2', [id, version]);
    return gone.rowCount === 1;
  }
  const set = await db.query(
    `INSERT INTO registry_deprecations (pack_id, version, message, deprecated_at)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (pack_id, version) DO UPDATE SET message = $3, deprecated_at = $4
       WHERE registry_deprecations.message IS DISTINCT FROM $3`,
    [id, version, message, now],
  );
  return set.rowCount === 1;
}

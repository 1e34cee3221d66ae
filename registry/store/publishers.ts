import type { Queryable } from '../../storage/database.js';
import { RegistryError } from '../errors.js';

/** Publisher names follow pack ids: lower-case letters, digits and dashes. */
export const PUBLISHER_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function assertPublisher(name: string): void {
  if (!PUBLISHER_PATTERN.test(name)) {
    throw new RegistryError(
      'publisher_invalid',
      `publisher ${JSON.stringify(name)} must match ${PUBLISHER_PATTERN.source}`,
    );
  }
}

/** Creates publisher `id` when it does not exist yet. */
export async function ensurePublisher(db: Queryable, id: string, now: Date): Promise<void> {
  assertPublisher(id);
  await db.query(
    `INSERT INTO registry_publishers (id, created_at) VALUES ($1, $2)
     ON CONFLICT (id) DO NOTHING`,
    [id, now],
  );
}

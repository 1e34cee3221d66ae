import type { Queryable } from '../../storage/database.js';
import { RegistryError } from '../errors.js';
import { isPublisherName, PUBLISHER_PATTERN } from '../../packs/publisher_name.js';

export function assertPublisher(name: string): void {
  if (!isPublisherName(name)) {
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

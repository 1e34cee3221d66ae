/**
 * Curated collections ("featured", "verified", ...): an admin names a list
 * of packs, shown on the home page and on a page of its own.
 */
import type { Database, Queryable } from '../../../storage/database.js';
import { RegistryError } from '../../errors.js';
import { isoTime } from '../../store/rows.js';

export interface Collection {
  slug: string;
  title: string;
  description: string;
  /** Lower comes first on the home page. */
  position: number;
  /** Pack ids in the order the admin gave. */
  packs: string[];
  updatedAt: string;
}

export type NewCollection = Omit<Collection, 'updatedAt'>;

interface CollectionRow {
  slug: string;
  title: string;
  description: string;
  position: number;
  updated_at: unknown;
  packs: string[] | null;
}

const SELECT = `SELECT c.slug, c.title, c.description, c.position, c.updated_at,
  (SELECT coalesce(jsonb_agg(cp.pack_id ORDER BY cp.position), '[]'::jsonb)
     FROM registry_collection_packs cp WHERE cp.collection = c.slug) AS packs
  FROM registry_collections c`;

function toCollection(row: CollectionRow): Collection {
  return {
    slug: row.slug,
    title: row.title,
    description: row.description,
    position: Number(row.position),
    packs: Array.isArray(row.packs) ? row.packs : [],
    updatedAt: isoTime(row.updated_at),
  };
}

export async function listCollections(db: Queryable): Promise<Collection[]> {
  const { rows } = await db.query<CollectionRow>(`${SELECT} ORDER BY c.position, c.slug`);
  return rows.map(toCollection);
}

export async function findCollection(db: Queryable, slug: string): Promise<Collection | undefined> {
  const { rows } = await db.query<CollectionRow>(`${SELECT} WHERE c.slug = $1`, [slug]);
  return rows[0] ? toCollection(rows[0]) : undefined;
}

async function unknownPacks(tx: Queryable, ids: string[]): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    'SELECT id FROM registry_packs WHERE id = ANY($1::text[])',
    [ids],
  );
  const known = new Set(rows.map((r) => r.id));
  return ids.filter((id) => !known.has(id));
}

/** Creates or replaces a collection and its pack list, in one transaction. */
export async function putCollection(db: Database, c: NewCollection, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const missing = await unknownPacks(tx, c.packs);
    if (missing.length > 0) {
      throw new RegistryError('pack_not_found', `no pack ${missing.map((m) => JSON.stringify(m))
        .join(', ')} in this registry`, { details: { packs: missing } });
    }
    await tx.query(
      `INSERT INTO registry_collections (slug, title, description, position, updated_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (slug) DO UPDATE SET title = $2, description = $3, position = $4,
         updated_at = $5`,
      [c.slug, c.title, c.description, c.position, now],
    );
    await tx.query('DELETE FROM registry_collection_packs WHERE collection = $1', [c.slug]);
    for (const [position, packId] of c.packs.entries()) {
      await tx.query(
        `INSERT INTO registry_collection_packs (collection, pack_id, position)
         VALUES ($1, $2, $3)`,
        [c.slug, packId, position],
      );
    }
  });
}

/** Removes a collection; false when there was none. */
export async function deleteCollection(db: Queryable, slug: string): Promise<boolean> {
  const result = await db.query('DELETE FROM registry_collections WHERE slug = $1', [slug]);
  return result.rowCount === 1;
}

/**
 * Private packs: a pack marked private is seen only by members of its
 * publisher (and admins). To anyone else it is absent: every read answers
 * exactly as for an id nobody published (see `guard.ts`).
 */
import type { Queryable } from '../../storage/database.js';
import type { Actor } from '../store/tokens.js';
import { readablePublishers } from './roles.js';

export interface PackOwnership {
  id: string;
  publisher: string;
  private: boolean;
}

export async function findOwnership(db: Queryable, id: string)
  : Promise<PackOwnership | undefined> {
  const { rows } = await db.query<{ id: string; publisher: string; private: boolean }>(
    'SELECT id, publisher, private FROM registry_packs WHERE id = $1',
    [id],
  );
  const row = rows[0];
  return row ? { id: row.id, publisher: row.publisher, private: row.private === true } : undefined;
}

export async function setPackPrivate(db: Queryable, id: string, hidden: boolean): Promise<void> {
  await db.query('UPDATE registry_packs SET private = $2 WHERE id = $1', [id, hidden]);
}

/** Whether the actor (undefined: anonymous) may see a pack of this ownership. */
export function maySee(actor: Actor | undefined, pack: Pick<PackOwnership, 'publisher'
  | 'private'>): boolean {
  if (!pack.private) return true;
  const readable = readablePublishers(actor);
  return readable === 'all' || readable.has(pack.publisher);
}

/** Ids of the private packs the actor may not see, for filtering listings. */
export async function hiddenPackIds(db: Queryable, actor: Actor | undefined)
  : Promise<Set<string>> {
  const readable = readablePublishers(actor);
  if (readable === 'all') return new Set();
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM registry_packs WHERE private AND NOT (publisher = ANY($1::text[]))',
    [[...readable]],
  );
  return new Set(rows.map((r) => r.id));
}

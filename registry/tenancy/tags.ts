/**
 * Dist-tags: names (`latest`, `stable`, custom) pointing at one version of
 * a pack. `latest` is implicit (the highest release) until set. A resolve
 * asks for a semver range or a tag; a tag is a name that is not a range.
 */
import { validRange } from 'semver';
import { assertRange } from '../../packs/resolve.js';
import type { Queryable } from '../../storage/database.js';
import { RegistryError } from '../errors.js';

export const TAG_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** A range, or a tag: what `?range=` of a resolve names. */
export type RangeOrTag = { range: string } | { tag: string };

/** Reads `?range=`; throws `request_invalid` or `semver_invalid` as the route always did. */
export function rangeOrTag(query: string | string[] | undefined, id: string): RangeOrTag {
  if (Array.isArray(query)) throw new RegistryError('request_invalid', 'give `range` once');
  const asked = query === undefined || query === '' ? '*' : query;
  if (validRange(asked) === null && TAG_PATTERN.test(asked)) return { tag: asked };
  assertRange(asked, `range for ${id}`);
  return { range: asked };
}

/** Refuses a tag name that is not a name, or that reads as a semver range. */
export function assertTag(tag: string): void {
  if (!TAG_PATTERN.test(tag) || validRange(tag) !== null) {
    throw new RegistryError('request_invalid', `dist-tag ${JSON.stringify(tag)} must match ${
      TAG_PATTERN.source} and not read as a semver range`);
  }
}

export async function distTags(db: Queryable, id: string): Promise<Record<string, string>> {
  const { rows } = await db.query<{ tag: string; version: string }>(
    'SELECT tag, version FROM registry_dist_tags WHERE pack_id = $1 ORDER BY tag',
    [id],
  );
  return Object.fromEntries(rows.map((r) => [r.tag, r.version]));
}

/**
 * Points `tag` at `version`. `updated_at` moves only when the version does: it dates
 * the catalog (store/catalog_changes.ts), which a repeated PUT leaves unchanged.
 */
export async function setDistTag(db: Queryable, id: string, tag: string, version: string,
  now: Date): Promise<void> {
  await db.query(
    `INSERT INTO registry_dist_tags (pack_id, tag, version, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (pack_id, tag) DO UPDATE SET version = $3, updated_at = CASE
       WHEN registry_dist_tags.version = $3 THEN registry_dist_tags.updated_at ELSE $4 END`,
    [id, tag, version, now],
  );
}

export async function deleteDistTag(db: Queryable, id: string, tag: string): Promise<boolean> {
  const result = await db.query('DELETE FROM registry_dist_tags WHERE pack_id = $1 AND tag = $2',
    [id, tag]);
  return result.rowCount === 1;
}

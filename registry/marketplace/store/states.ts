/**
 * The state of each version of a pack beyond "published": yanked (with its
 * reason), deprecated (with its message), and the transparency-log entries
 * that record it (publish, yank, deprecate), from the registry's own tables.
 */
import type { Queryable } from '../../../storage/database.js';
import { isoTime } from '../../store/rows.js';
import { findEntries } from '../../tlog/store.js';

export interface LogRecord {
  index: number;
  kind: string;
}

export interface VersionState {
  yanked?: { at: string; reason: string | null };
  deprecated?: { at: string; message: string };
  /** Log entries about this version, oldest first. */
  log: LogRecord[];
}

export async function versionStates(db: Queryable, packId: string):
  Promise<Map<string, VersionState>> {
  const [yanks, deprecations, entries] = await Promise.all([
    db.query<{ version: string; yanked_at: unknown; reason: string | null }>(
      'SELECT version, yanked_at, reason FROM registry_yanks WHERE pack_id = $1', [packId]),
    db.query<{ version: string; deprecated_at: unknown; message: string }>(
      'SELECT version, deprecated_at, message FROM registry_deprecations WHERE pack_id = $1',
      [packId]),
    findEntries(db, { pack: packId }),
  ]);
  const states = new Map<string, VersionState>();
  const of = (version: string) => {
    const known = states.get(version) ?? { log: [] };
    states.set(version, known);
    return known;
  };
  for (const r of yanks.rows) of(r.version).yanked = { at: isoTime(r.yanked_at), reason: r.reason };
  for (const r of deprecations.rows) {
    of(r.version).deprecated = { at: isoTime(r.deprecated_at), message: r.message };
  }
  for (const e of entries) {
    const version = e.entry.version;
    if (typeof version === 'string') {
      of(version).log.push({ index: e.index, kind: String(e.entry.kind) });
    }
  }
  return states;
}

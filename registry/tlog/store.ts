/**
 * The log's rows: appending an entry (inside the caller's transaction),
 * reading subtree nodes, entries and the size. An append locks the head
 * row, so concurrent appends, from any process, get consecutive indexes.
 */
import { canonicalJson } from '../../packs/canonical.js';
import { leafHash, nodeHash, type Hash } from '../../packs/tlog/merkle.js';
import type { EntryQuery, LogEntryView } from '../../packs/tlog/types.js';
import type { Queryable } from '../../storage/database.js';
import { RegistryError } from '../errors.js';
import { ENTRY_VERSION, type LogEntry } from './entries.js';

/** Entries a listing answers at most. */
export const MAX_ENTRIES_PAGE = 1000;

export async function logSize(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ size: number }>(
    'SELECT size FROM registry_tlog_head WHERE id = 1');
  return Number(rows[0]?.size ?? 0);
}

/** Hashes of stored nodes, keyed `level:index`. */
export async function readNodes(db: Queryable, coords: [number, number][]):
Promise<Map<string, Hash>> {
  const out = new Map<string, Hash>();
  for (let i = 0; i < coords.length; i += 100) {
    const chunk = coords.slice(i, i + 100);
    const where = chunk.map((_, j) => `($${2 * j + 1}::int, $${2 * j + 2}::bigint)`).join(', ');
    const { rows } = await db.query<{ level: number; idx: number; hash: string }>(
      `SELECT level, idx, hash FROM registry_tlog_nodes WHERE (level, idx) IN (${where})`,
      chunk.flat());
    for (const r of rows) out.set(`${r.level}:${Number(r.idx)}`, Buffer.from(r.hash, 'hex'));
  }
  return out;
}

/** The nodes an append completes: the leaf, then each parent whose right child it closes. */
async function completedNodes(tx: Queryable, index: number, leaf: Hash) {
  const siblings: [number, number][] = [];
  for (let level = 0, i = index; i % 2 === 1; level++, i = Math.floor(i / 2)) {
    siblings.push([level, i - 1]);
  }
  const known = await readNodes(tx, siblings);
  const nodes: [number, number, Hash][] = [[0, index, leaf]];
  let hash = leaf;
  for (const [level, i] of siblings) {
    const left = known.get(`${level}:${i}`);
    if (!left) throw new RegistryError('log_corrupt', `log node ${level}:${i} is missing`);
    hash = nodeHash(left, hash);
    nodes.push([level + 1, Math.floor(i / 2), hash]);
  }
  return nodes;
}

/**
 * Appends `entry` within transaction `tx` and answers its index. Call it in
 * the same transaction as the change it records.
 */
export async function appendLogEntry(tx: Queryable, entry: LogEntry): Promise<number> {
  const { rows } = await tx.query<{ size: number }>(
    'SELECT size FROM registry_tlog_head WHERE id = 1 FOR UPDATE');
  const index = Number(rows[0]?.size ?? 0);
  const body = canonicalJson({ v: ENTRY_VERSION, ...entry });
  const leaf = leafHash(body);

  await tx.query(
    `INSERT INTO registry_tlog_entries
       (idx, kind, pack_id, version, sha256, key_id, body, leaf_hash, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [index, entry.kind, entry.pack_id ?? null, entry.version ?? null, entry.sha256 ?? null,
      entry.key_id ?? null, body, leaf.toString('hex'), entry.at],
  );
  const nodes = await completedNodes(tx, index, leaf);
  const values = nodes.map((_, j) => `($${3 * j + 1}, $${3 * j + 2}, $${3 * j + 3})`).join(', ');
  await tx.query(`INSERT INTO registry_tlog_nodes (level, idx, hash) VALUES ${values}`,
    nodes.flatMap(([level, i, h]) => [level, i, h.toString('hex')]));
  await tx.query('UPDATE registry_tlog_head SET size = $1 WHERE id = 1', [index + 1]);
  return index;
}

interface EntryRow {
  idx: number;
  body: string;
  leaf_hash: string;
}

function toView(r: EntryRow): LogEntryView {
  return { index: Number(r.idx), leaf_hash: r.leaf_hash, body: r.body,
    entry: JSON.parse(r.body) as Record<string, unknown> };
}

/** Entries [start, end) in order, at most MAX_ENTRIES_PAGE. */
export async function entriesRange(db: Queryable, start: number, end: number) {
  const { rows } = await db.query<EntryRow>(
    `SELECT idx, body, leaf_hash FROM registry_tlog_entries
      WHERE idx >= $1 AND idx < $2 ORDER BY idx LIMIT ${MAX_ENTRIES_PAGE}`, [start, end]);
  return rows.map(toView);
}

/**
 * Entries about a tarball digest, a pack (and version) or a signing key, at
 * most a page of them from index `start` on (and before `end` when given): a
 * client pages through more than a page by starting past the last it got.
 */
export async function findEntries(db: Queryable, q: EntryQuery,
  range: { start: number; end?: number } = { start: 0 }): Promise<LogEntryView[]> {
  const { rows } = await db.query<EntryRow>(
    `SELECT idx, body, leaf_hash FROM registry_tlog_entries
      WHERE ($1::text IS NULL OR sha256 = $1) AND ($2::text IS NULL OR pack_id = $2)
        AND ($3::text IS NULL OR version = $3) AND ($4::text IS NULL OR key_id = $4)
        AND idx >= $5 AND ($6::bigint IS NULL OR idx < $6)
      ORDER BY idx LIMIT ${MAX_ENTRIES_PAGE}`,
    [q.sha256 ?? null, q.pack ?? null, q.version ?? null, q.key_id ?? null, range.start,
      range.end ?? null]);
  return rows.map(toView);
}

/** The time of entry `index` (a tree head is dated by its newest entry). */
export async function entryTime(db: Queryable, index: number): Promise<string | undefined> {
  const { rows } = await db.query<{ created_at: unknown }>(
    'SELECT created_at FROM registry_tlog_entries WHERE idx = $1', [index]);
  const at = rows[0]?.created_at;
  if (at === undefined) return undefined;
  return (at instanceof Date ? at : new Date(String(at))).toISOString();
}

/**
 * Recomputes every node from the stored entries (after a restore), checking
 * each entry's leaf hash against its body, and sets the size. Answers it.
 */
export async function rebuildNodes(tx: Queryable): Promise<number> {
  const { rows } = await tx.query<EntryRow>(
    'SELECT idx, body, leaf_hash FROM registry_tlog_entries ORDER BY idx');
  await tx.query('DELETE FROM registry_tlog_nodes');
  const levels: Hash[][] = [];
  const nodes: [number, number, string][] = [];
  rows.forEach((r, i) => {
    const leaf = leafHash(r.body);
    if (Number(r.idx) !== i || leaf.toString('hex') !== r.leaf_hash) {
      throw new RegistryError('log_corrupt', `log entry ${String(r.idx)} does not match its hash`);
    }
    let hash = leaf;
    for (let level = 0, at = i; ; level++, at = Math.floor(at / 2)) {
      (levels[level] ??= [])[at] = hash;
      nodes.push([level, at, hash.toString('hex')]);
      if (at % 2 === 0) break;
      hash = nodeHash(levels[level]![at - 1]!, hash);
    }
  });
  for (let i = 0; i < nodes.length; i += 500) {
    const chunk = nodes.slice(i, i + 500);
    const values = chunk.map((_, j) => `($${3 * j + 1}, $${3 * j + 2}, $${3 * j + 3})`).join(', ');
    await tx.query(`INSERT INTO registry_tlog_nodes (level, idx, hash) VALUES ${values}`,
      chunk.flat());
  }
  await tx.query('UPDATE registry_tlog_head SET size = $1 WHERE id = 1', [rows.length]);
  return rows.length;
}

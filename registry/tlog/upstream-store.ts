/**
 * Rows of `registry_tlog_upstream`: evidence from a source log about a
 * mirrored version or key (its subject), one per source log key. The first
 * evidence stored for a log key is kept: any valid proof of the same entry
 * proves the same fact.
 */
import type { StoredUpstream, UpstreamEvidence } from '../../packs/tlog/upstream.js';
import type { SignedTreeHead } from '../../packs/tlog/tree-head.js';
import type { Queryable } from '../../storage/database.js';

interface UpstreamRow {
  log_key_id: string;
  log_public_key: string;
  log_origin: string;
  source: string;
  entry_index: number | string;
  entry_body: string;
  leaf_hash: string;
  audit_path: string;
  tree_head: string;
  recorded_at: unknown;
}

function toView(r: UpstreamRow): StoredUpstream {
  const at = r.recorded_at instanceof Date ? r.recorded_at : new Date(String(r.recorded_at));
  return {
    source: r.source,
    log_key: { key_id: r.log_key_id, public_key: r.log_public_key, origin: r.log_origin },
    entry: { index: Number(r.entry_index), body: r.entry_body },
    audit_path: JSON.parse(r.audit_path) as string[],
    tree_head: JSON.parse(r.tree_head) as SignedTreeHead,
    leaf_hash: r.leaf_hash,
    recorded_at: at.toISOString(),
  };
}

const COLUMNS = `log_key_id, log_public_key, log_origin, source, entry_index, entry_body,
  leaf_hash, audit_path, tree_head, recorded_at`;

/** The subject of a version's evidence. */
export const versionSubject = (packId: string, version: string) => `pack:${packId}@${version}`;

/** The subject of a key's evidence. */
export const keySubject = (keyId: string) => `key:${keyId}`;

/** Evidence held about `subject`, oldest first. */
export async function upstreamOf(db: Queryable, subject: string): Promise<StoredUpstream[]> {
  const { rows } = await db.query<UpstreamRow>(
    `SELECT ${COLUMNS} FROM registry_tlog_upstream
      WHERE subject = $1 ORDER BY recorded_at, log_key_id`, [subject]);
  return rows.map(toView);
}

/**
 * Stores checked evidence unless that log key's is held already. Answers
 * the stored row and whether this call created it.
 */
export async function storeUpstream(db: Queryable, subject: string, e: UpstreamEvidence,
  leafHash: string, at: Date): Promise<{ created: boolean; stored: StoredUpstream }> {
  // Only the fields checked are kept, so no unchecked extra ever reaches a reader.
  const head: SignedTreeHead = { origin: e.tree_head.origin, tree_size: e.tree_head.tree_size,
    root_hash: e.tree_head.root_hash, timestamp: e.tree_head.timestamp,
    key_id: e.tree_head.key_id, signature: e.tree_head.signature };
  const inserted = await db.query(
    `INSERT INTO registry_tlog_upstream (subject, ${COLUMNS})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (subject, log_key_id) DO NOTHING`,
    [subject, e.log_key.key_id, e.log_key.public_key, e.log_key.origin, e.source,
      e.entry.index, e.entry.body, leafHash, JSON.stringify(e.audit_path), JSON.stringify(head),
      at.toISOString()]);
  const { rows } = await db.query<UpstreamRow>(
    `SELECT ${COLUMNS} FROM registry_tlog_upstream
      WHERE subject = $1 AND log_key_id = $2`, [subject, e.log_key.key_id]);
  return { created: inserted.rowCount > 0, stored: toView(rows[0]!) };
}

/**
 * `cordum registry export ARCHIVE`: every table of ARCHIVE_TABLES (packs,
 * keys, tokens as stored hashes, tenancy, deployments, marketplace, audit
 * and the transparency log with its tree heads) and every tarball, signed
 * by the log key. All rows are read in one repeatable-read snapshot, and
 * the tree head signed is that snapshot's, so the archive carries the head
 * a restore must reproduce even while a PostgreSQL registry keeps serving.
 */
import { runCommand } from '../../cli/output.js';
import type { Queryable } from '../../storage/database.js';
import { downloadCountsOf } from '../hardening/download-counts.js';
import { signedTreeHead } from '../tlog/heads.js';
import type { RegistryServices } from '../wiring.js';
import { ARCHIVE_FORMAT, ARCHIVE_TABLES, writeArchive } from './archive.js';
import { withOffline } from './offline.js';

export interface ExportResult {
  archive: string;
  tree_size: number;
  root_hash: string;
  counts: Record<string, number>;
}

/**
 * Each row as PostgreSQL's own JSON of it: jsonb stays nested, timestamps
 * keep their microseconds, int8 its digits, bytea its hex; import reads it
 * back with jsonb_populate_recordset, the exact inverse.
 */
async function tableLines(db: Queryable, table: string, columns: string[], order: string) {
  const { rows } = await db.query<{ line: string }>(
    `SELECT row_to_json(r)::text AS line FROM (SELECT ${columns.join(', ')} FROM ${table}) r
      ORDER BY ${order}`);
  return rows.map((r) => `${r.line}\n`);
}

/** Tarballs of the versions, and the npm packages made of them that are still stored. */
async function blobMembers(s: RegistryServices, db: Queryable, members: Map<string, Buffer>) {
  const { rows } = await db.query<{ sha256: string; npm: boolean }>(
    `SELECT sha256, bool_and(npm) AS npm FROM (
       SELECT sha256, false AS npm FROM registry_versions
       UNION ALL SELECT sha256, true AS npm FROM registry_npm_tarballs) b
     GROUP BY sha256 ORDER BY sha256`);
  let n = 0;
  for (const { sha256, npm } of rows) {
    // An npm package whose blob is gone is made again on read (npm/tarballs.ts).
    if (npm && !(await s.blobs.has(sha256))) continue;
    // get() re-hashes: a corrupt blob stops the export rather than being copied.
    members.set(`blobs/${sha256}`, await s.blobs.get(sha256));
    n += 1;
  }
  return n;
}

export async function exportRegistry(s: RegistryServices, out: string): Promise<ExportResult> {
  // Counted downloads still in memory go in first; they order "most installed".
  await downloadCountsOf(s.db).flush();
  // Signed outside the snapshot, so the snapshot's head is found stored (no write in it).
  await signedTreeHead(s.db, s.logSigner);
  const members = new Map<string, Buffer>();
  const counts: Record<string, number> = {};
  const tables: Record<string, string[]> = {};
  const head = await s.db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const snapshotHead = await signedTreeHead(tx, s.logSigner);
    for (const { table, columns, order } of ARCHIVE_TABLES) {
      const lines = await tableLines(tx, table, columns, order);
      counts[table] = lines.length;
      tables[table] = columns;
      members.set(`tables/${table}.jsonl`, Buffer.from(lines.join('')));
    }
    counts.blobs = await blobMembers(s, tx, members);
    return snapshotHead;
  });

  const log = { key_id: s.logSigner.keyId, public_key: s.logSigner.publicPem,
    origin: s.logSigner.origin, tree_size: head.tree_size, root_hash: head.root_hash };
  await writeArchive(out, { format: ARCHIVE_FORMAT, created_at: s.clock.now().toISOString(),
    log, counts, tables }, members, (text) => s.logSigner.sign(text));
  return { archive: out, tree_size: head.tree_size, root_hash: head.root_hash, counts };
}

export async function exportCommand(out: string, flags: { data: string; json?: boolean }) {
  await runCommand(flags, () => withOffline(flags.data, (s) => exportRegistry(s, out)),
    (r) => `exported ${r.counts.registry_versions ?? 0} versions, ${r.counts.blobs ?? 0} blobs ` +
      `and a log of ${r.tree_size} entries (root ${r.root_hash}) to ${r.archive}`);
}

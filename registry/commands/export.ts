/**
 * `cordum registry export ARCHIVE`: packs (rows and tarballs), publishers,
 * keys, yanks, revocations and the transparency log with its tree heads,
 * signed by the log key. The current tree head is signed first, so the
 * archive carries the head a restore must reproduce.
 */
import { runCommand } from '../../cli/output.js';
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

export async function exportRegistry(s: RegistryServices, out: string): Promise<ExportResult> {
  const head = await signedTreeHead(s.db, s.logSigner);
  const members = new Map<string, Buffer>();
  const counts: Record<string, number> = {};
  for (const { table, columns, order } of ARCHIVE_TABLES) {
    const { rows } = await s.db.query(
      `SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${order}`);
    counts[table] = rows.length;
    members.set(`tables/${table}.jsonl`, Buffer.from(rows.map((r) => `${JSON.stringify(r)}\n`)
      .join('')));
  }
  const { rows } = await s.db.query<{ sha256: string }>(
    'SELECT DISTINCT sha256 FROM registry_versions ORDER BY sha256');
  // get() re-hashes: a corrupt blob stops the export rather than being copied.
  for (const { sha256 } of rows) members.set(`blobs/${sha256}`, await s.blobs.get(sha256));
  counts.blobs = rows.length;

  const log = { key_id: s.logSigner.keyId, public_key: s.logSigner.publicPem,
    origin: s.logSigner.origin, tree_size: head.tree_size, root_hash: head.root_hash };
  await writeArchive(out, { format: ARCHIVE_FORMAT, created_at: s.clock.now().toISOString(),
    log, counts }, members, (text) => s.logSigner.sign(text));
  return { archive: out, tree_size: head.tree_size, root_hash: head.root_hash, counts };
}

export async function exportCommand(out: string, flags: { data: string; json?: boolean }) {
  await runCommand(flags, () => withOffline(flags.data, (s) => exportRegistry(s, out)),
    (r) => `exported ${r.counts.registry_versions ?? 0} versions, ${r.counts.blobs ?? 0} blobs ` +
      `and a log of ${r.tree_size} entries (root ${r.root_hash}) to ${r.archive}`);
}

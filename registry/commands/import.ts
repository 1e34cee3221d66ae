/**
 * `cordum registry import ARCHIVE`: restores an export (format v2, or v1)
 * into an empty registry. The archive's signature and digests are checked
 * first; blobs are stored (each re-hashed), then every row goes in one
 * transaction, parents first, with the log's nodes recomputed, sequences
 * moved past the restored ids and the read caches' generation bumped; the
 * transaction commits only when the recomputed root is the archive's
 * signed one and every version's tarball is stored.
 */
import { loadPublicKey } from '../../packs/signing/keys.js';
import { assertPathFlag, runCommand } from '../../cli/output.js';
import { readOrFail } from '../../packs/commands/files.js';
import { sha256Hex } from '../../packs/digest.js';
import type { Queryable } from '../../storage/database.js';
import { RegistryError } from '../errors.js';
import { treeRoot } from '../tlog/heads.js';
import { rebuildNodes } from '../tlog/store.js';
import type { RegistryServices } from '../wiring.js';
import {
  ARCHIVE_TABLES, archivedColumns, readArchiveMembers, verifyArchive, type ArchiveManifest,
} from './archive.js';
import { withOffline } from './offline.js';

/** What `registry serve` makes before any import: the bootstrap token and its publisher. */
const BOOTSTRAP_TABLES = new Set(['registry_publishers', 'registry_tokens']);

/** Rows a batch of one INSERT holds at most, and its JSON text's length at most. */
const BATCH_ROWS = 500;
const BATCH_CHARS = 4_000_000;

async function assertEmpty(db: Queryable): Promise<void> {
  for (const { table } of ARCHIVE_TABLES) {
    if (BOOTSTRAP_TABLES.has(table)) continue;
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    if (Number(rows[0]?.n) > 0) {
      throw new RegistryError('registry_not_empty',
        `the target registry already has rows in ${table}; import needs an empty one`);
    }
  }
}

/**
 * Inserts one table's JSON lines in batches. PostgreSQL turns each JSON
 * value into its column's type (jsonb, timestamptz, int8, boolean, bytea);
 * a column the archive does not hold keeps its default. A row already
 * there (the bootstrap token, the `default` publisher) stays as it is.
 */
async function insertRows(tx: Queryable, table: string, columns: string[], text: string) {
  const list = columns.join(', ');
  const sql = `INSERT INTO ${table} (${list}) SELECT ${list}
    FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb) ON CONFLICT DO NOTHING`;
  let batch: string[] = [];
  let chars = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await tx.query(sql, [`[${batch.join(',')}]`]).catch((err: unknown) => {
      throw new RegistryError('archive_invalid', `the rows of ${table} do not fit this ` +
        `registry: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    });
    batch = [];
    chars = 0;
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    batch.push(line);
    chars += line.length;
    if (batch.length >= BATCH_ROWS || chars >= BATCH_CHARS) await flush();
  }
  await flush();
}

/** Moves each serial column's sequence past the restored ids, so new rows do not collide. */
async function resetSequences(tx: Queryable): Promise<void> {
  const { rows } = await tx.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ANY($1::text[])
        AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')`,
    [ARCHIVE_TABLES.map((a) => a.table)]);
  for (const { table_name: table, column_name: column } of rows) {
    await tx.query(`SELECT setval(pg_get_serial_sequence($1, $2), m)
      FROM (SELECT max(${column}) AS m FROM ${table}) x WHERE m IS NOT NULL`, [table, column]);
  }
}

async function assertTarballsStored(s: RegistryServices, tx: Queryable): Promise<void> {
  const { rows } = await tx.query<{ sha256: string }>(
    'SELECT DISTINCT sha256 FROM registry_versions');
  for (const { sha256 } of rows) {
    if (!(await s.blobs.has(sha256))) {
      throw new RegistryError('archive_invalid', `the archive has no tarball ${sha256}`);
    }
  }
}

/** Stores the archive's blobs, each checked first; returns those this call made. */
async function storeBlobs(s: RegistryServices, members: Map<string, Buffer>): Promise<string[]> {
  const blobs = [...members].filter(([name]) => name.startsWith('blobs/'));
  for (const [name, bytes] of blobs) {
    if (sha256Hex(bytes) !== name.slice('blobs/'.length)) {
      throw new RegistryError('archive_invalid', `archive blob ${name} does not hash to its name`);
    }
  }
  const made: string[] = [];
  for (const [, bytes] of blobs) {
    const put = await s.blobs.put(bytes);
    if (put.created) made.push(put.sha256);
  }
  return made;
}

/** An archive whose signature, digests, tables and columns were checked. */
interface VerifiedArchive {
  members: Map<string, Buffer>;
  manifest: ArchiveManifest;
  columns: Map<string, string[]>;
}

/** Every check of the archive itself, which needs no registry open. */
async function verifiedArchive(archive: Buffer, trustedPem?: string): Promise<VerifiedArchive> {
  const members = await readArchiveMembers(archive);
  const manifest = verifyArchive(members, trustedPem);
  return { members, manifest, columns: archivedColumns(manifest, members) };
}

export async function importRegistry(s: RegistryServices, archive: Buffer, trustedPem?: string) {
  return restore(s, await verifiedArchive(archive, trustedPem));
}

async function restore(s: RegistryServices, { members, manifest, columns }: VerifiedArchive) {
  await assertEmpty(s.db);

  const made = await storeBlobs(s, members);
  // A refused restore keeps no blob: no row names them, and the registry was empty.
  await s.db.transaction(async (tx) => {
    for (const { table } of ARCHIVE_TABLES) {
      const cols = columns.get(table);
      const text = members.get(`tables/${table}.jsonl`)?.toString('utf8') ?? '';
      if (cols) await insertRows(tx, table, cols, text);
    }
    await resetSequences(tx);
    await assertTarballsStored(s, tx);
    const size = await rebuildNodes(tx);
    const root = await treeRoot(tx, manifest.log.tree_size);
    if (size !== manifest.log.tree_size || root !== manifest.log.root_hash) {
      throw new RegistryError('archive_invalid', `the restored log (size ${size}, root ${root}) ` +
        `is not the archive's signed head (size ${manifest.log.tree_size}, root ` +
        `${manifest.log.root_hash})`);
    }
    // Processes already serving this database drop what they cached of it.
    await tx.query('UPDATE registry_read_generation SET n = n + 1 WHERE id = 1');
  }).catch(async (err: unknown) => {
    for (const sha256 of made) await s.blobs.remove(sha256);
    throw err;
  });
  return { format: manifest.format, tree_size: manifest.log.tree_size,
    root_hash: manifest.log.root_hash, counts: manifest.counts,
    same_log_key: manifest.log.key_id === s.logSigner.keyId };
}

export async function importCommand(path: string,
  flags: { data: string; json?: boolean; trustKey?: string }) {
  await runCommand(flags, async () => {
    assertPathFlag(flags.data, '--data');
    const bytes = readOrFail(path, 'archive');
    const trusted = flags.trustKey
      ? readOrFail(flags.trustKey, '--trust-key').toString('utf8') : undefined;
    // Checked before the data folder is touched: a bad key or archive must leave nothing
    // behind (opening a folder that holds no registry makes one, with a new log key).
    if (trusted !== undefined) loadPublicKey(trusted, `--trust-key ${flags.trustKey}`);
    const verified = await verifiedArchive(bytes, trusted);
    return withOffline(flags.data, (s) => restore(s, verified), 'restore');
  }, (r) => [`imported ${r.counts.registry_versions ?? 0} versions and a log of ` +
    `${r.tree_size} entries (root ${r.root_hash})`,
  ...(r.same_log_key ? [] : ['note: this registry signs with another log key than the ' +
    'archive; its tree heads are re-signed with its own key (same size and root)'])]);
}

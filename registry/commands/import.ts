/**
 * `cordum registry import ARCHIVE`: restores an export into an empty
 * registry. The archive's signature and digests are checked first; blobs
 * are stored (each re-hashed), then every row goes in one transaction with
 * the log's nodes recomputed, and the transaction commits only when the
 * recomputed root is the archive's signed one.
 */
import { readFileSync } from 'node:fs';
import { runCommand } from '../../cli/output.js';
import { sha256Hex } from '../../packs/digest.js';
import type { Queryable } from '../../storage/database.js';
import { RegistryError } from '../errors.js';
import { treeRoot } from '../tlog/heads.js';
import { rebuildNodes } from '../tlog/store.js';
import type { RegistryServices } from '../wiring.js';
import { ARCHIVE_TABLES, readArchiveMembers, verifyArchive } from './archive.js';
import { withOffline } from './offline.js';

async function assertEmpty(db: Queryable): Promise<void> {
  for (const table of ['registry_versions', 'registry_keys', 'registry_tlog_entries']) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    if (Number(rows[0]?.n) > 0) {
      throw new RegistryError('registry_not_empty',
        `the target registry already has rows in ${table}; import needs an empty one`);
    }
  }
}

async function insertRows(tx: Queryable, table: string, columns: string[], lines: string) {
  const marks = columns.map((_, i) => `$${i + 1}`).join(', ');
  const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${marks})
    ON CONFLICT DO NOTHING`;
  for (const line of lines.split('\n').filter((l) => l !== '')) {
    const row = JSON.parse(line) as Record<string, unknown>;
    await tx.query(sql, columns.map((c) => {
      const v = row[c] ?? null;
      return v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
    }));
  }
}

export async function importRegistry(s: RegistryServices, archive: Buffer, trustedPem?: string) {
  const members = await readArchiveMembers(archive);
  const manifest = verifyArchive(members, trustedPem);
  await assertEmpty(s.db);

  for (const [name, bytes] of members) {
    if (!name.startsWith('blobs/')) continue;
    if (sha256Hex(bytes) !== name.slice('blobs/'.length)) {
      throw new RegistryError('archive_invalid', `archive blob ${name} does not hash to its name`);
    }
    await s.blobs.put(bytes);
  }
  await s.db.transaction(async (tx) => {
    for (const { table, columns } of ARCHIVE_TABLES) {
      const lines = members.get(`tables/${table}.jsonl`)?.toString('utf8') ?? '';
      await insertRows(tx, table, columns, lines);
    }
    const size = await rebuildNodes(tx);
    const root = await treeRoot(tx, manifest.log.tree_size);
    if (size !== manifest.log.tree_size || root !== manifest.log.root_hash) {
      throw new RegistryError('archive_invalid', `the restored log (size ${size}, root ${root}) ` +
        `is not the archive's signed head (size ${manifest.log.tree_size}, root ` +
        `${manifest.log.root_hash})`);
    }
  });
  return { tree_size: manifest.log.tree_size, root_hash: manifest.log.root_hash,
    counts: manifest.counts, same_log_key: manifest.log.key_id === s.logSigner.keyId };
}

export async function importCommand(path: string,
  flags: { data: string; json?: boolean; trustKey?: string }) {
  await runCommand(flags, async () => {
    const bytes = readFileSync(path);
    const trusted = flags.trustKey ? readFileSync(flags.trustKey, 'utf8') : undefined;
    return withOffline(flags.data, (s) => importRegistry(s, bytes, trusted));
  }, (r) => [`imported ${r.counts.registry_versions ?? 0} versions and a log of ` +
    `${r.tree_size} entries (root ${r.root_hash})`,
  ...(r.same_log_key ? [] : ['note: this registry signs with another log key than the ' +
    'archive; its tree heads are re-signed with its own key (same size and root)'])]);
}

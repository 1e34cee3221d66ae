/**
 * The backup archive of `registry export` / `import`: a gzipped tar of
 * `manifest.json` (format, log key, tree head, the columns of each table,
 * and the SHA-256 of every other member), `manifest.json.sig` (the log
 * key's signature of it), `tables/<table>.jsonl` (one JSON object a row)
 * and `blobs/<sha256>`. The tables listed here are what a restore brings
 * back; a part that adds a table or column adds it here or to
 * NOT_ARCHIVED with its reason (test/registry/backup-schema.test.ts fails
 * on one that is in neither).
 */
import { createVerify } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { create, Parser, type ReadEntry } from 'tar';
import { onInterrupt } from '../../cli/interrupt.js';
import { sha256Hex } from '../../packs/digest.js';
import { RegistryError } from '../errors.js';
import { makeFolders } from '../../packs/folders.js';

/**
 * The format written. v2 adds tokens, tenancy, deployments, marketplace and
 * audit, and lists each table's columns in the manifest, so a later table or
 * column keeps v2: an older import refuses what it does not know, a newer
 * one gives a table or column the archive lacks its empty state or default.
 */
export const ARCHIVE_FORMAT = 'cordum-registry-archive/v2';
/** The first format (packs, keys, yanks, revocations, log); still imported. */
export const ARCHIVE_FORMAT_V1 = 'cordum-registry-archive/v1';

export interface ArchiveTable {
  table: string;
  columns: string[];
  /** The ORDER BY of the export, so an archive of the same data has the same bytes. */
  order: string;
}

const t = (table: string, order: string, columns: string[]): ArchiveTable =>
  ({ table, columns, order });

/** Tables in restore order (parents before the rows that reference them). */
export const ARCHIVE_TABLES: ArchiveTable[] = [
  t('registry_publishers', 'id', ['id', 'created_at']),
  // Only the SHA-256 of each token is stored, so a restored registry accepts the same secrets.
  t('registry_tokens', 'id', ['id', 'token_hash', 'publisher', 'scopes', 'label', 'created_at',
    'expires_at', 'revoked_at', 'subject']),
  t('registry_members', 'publisher, subject', ['publisher', 'subject', 'role', 'created_at']),
  t('registry_keys', 'key_id', ['key_id', 'publisher', 'public_key', 'created_at']),
  t('registry_key_revocations', 'key_id', ['key_id', 'revoked_at']),
  t('registry_packs', 'id', ['id', 'publisher', 'created_at', 'private']),
  t('registry_versions', 'pack_id, version', ['pack_id', 'version', 'sha256', 'key_id',
    'manifest', 'bundle', 'size', 'published_at']),
  t('registry_yanks', 'pack_id, version', ['pack_id', 'version', 'reason', 'yanked_at']),
  t('registry_deprecations', 'pack_id, version', ['pack_id', 'version', 'message',
    'deprecated_at']),
  t('registry_dist_tags', 'pack_id, tag', ['pack_id', 'tag', 'version', 'updated_at']),
  // Made on first read and then fixed: a client pinned its integrity, which a later
  // build of the npm package need not reproduce, so the rows and their blobs travel.
  t('registry_npm_tarballs', 'pack_id, version', ['pack_id', 'version', 'sha256', 'integrity',
    'shasum', 'size', 'file_count', 'unpacked_size', 'created_at']),
  t('registry_downloads', 'pack_id, version', ['pack_id', 'version', 'downloads']),
  t('registry_collections', 'slug', ['slug', 'title', 'description', 'position', 'updated_at']),
  t('registry_collection_packs', 'collection, pack_id', ['collection', 'pack_id', 'position']),
  t('registry_verified_publishers', 'publisher', ['publisher', 'verified_at', 'note']),
  t('registry_deployments', 'name', ['name', 'tenant', 'description', 'packs',
    'packs_snapshot_hash', 'snapshot_hash', 'generation', 'created_at', 'updated_at']),
  t('registry_policy_bundles', 'deployment, name', ['deployment', 'name', 'fragment', 'hash',
    'version', 'updated_at']),
  t('registry_tlog_entries', 'idx', ['idx', 'kind', 'pack_id', 'version', 'sha256', 'key_id',
    'body', 'leaf_hash', 'created_at']),
  t('registry_tlog_tree_heads', 'tree_size, key_id', ['tree_size', 'key_id', 'origin',
    'root_hash', 'signed_at', 'signature']),
  t('registry_tlog_upstream', 'subject, log_key_id', ['subject', 'log_key_id', 'log_public_key',
    'log_origin', 'source', 'entry_index', 'entry_body', 'leaf_hash', 'audit_path', 'tree_head',
    'recorded_at']),
  // The trail of who did what survives a restore; ids are kept and the sequence moved past them.
  t('registry_audit', 'id', ['id', 'at', 'request_id', 'actor', 'publisher', 'action', 'target',
    'result', 'status', 'code', 'address', 'method', 'path']),
];

/** Tables and columns (`table.column`) a restore does not copy, each with its reason. */
export const NOT_ARCHIVED: Record<string, string> = {
  'registry_versions.search': 'generated from the manifest; PostgreSQL computes it on insert',
  registry_tlog_nodes: 'recomputed from the entries by import and checked against the signed '
    + 'root',
  registry_tlog_head: "the log's size, set by the same recomputation",
  registry_read_generation: 'a cache counter; import bumps it so running processes drop their '
    + 'read caches',
  schema_migrations: 'each database records its own migrations when it is opened',
};

/** The columns of each table in a v1 archive (tables absent there were not carried). */
export const V1_COLUMNS: Record<string, string[]> = {
  registry_publishers: ['id', 'created_at'],
  registry_packs: ['id', 'publisher', 'created_at'],
  registry_keys: ['key_id', 'publisher', 'public_key', 'created_at'],
  registry_versions: ['pack_id', 'version', 'sha256', 'key_id', 'manifest', 'bundle', 'size',
    'published_at'],
  registry_yanks: ['pack_id', 'version', 'reason', 'yanked_at'],
  registry_key_revocations: ['key_id', 'revoked_at'],
  registry_tlog_entries: ['idx', 'kind', 'pack_id', 'version', 'sha256', 'key_id', 'body',
    'leaf_hash', 'created_at'],
  registry_tlog_tree_heads: ['tree_size', 'key_id', 'origin', 'root_hash', 'signed_at',
    'signature'],
};

export interface ArchiveManifest {
  format: string;
  created_at: string;
  log: { key_id: string; public_key: string; origin: string; tree_size: number;
    root_hash: string };
  counts: Record<string, number>;
  /** Table → the columns its rows hold (v2; a v1 archive has V1_COLUMNS). */
  tables?: Record<string, string[]>;
  /** Member name → SHA-256 of its bytes. */
  files: Record<string, string>;
}

/**
 * Writes `members` (name → bytes) and the signed manifest as a .tar.gz at
 * `out`. The archive is written beside `out` and renamed onto it only when
 * complete: a failure or Ctrl-C leaves no truncated archive (which a restore
 * would refuse only at its end) and no temporary file or folder.
 */
export async function writeArchive(out: string, manifest: Omit<ArchiveManifest, 'files'>,
  members: Map<string, Buffer>, sign: (text: string) => string): Promise<void> {
  const files = Object.fromEntries([...members].map(([name, b]) => [name, sha256Hex(b)]));
  const text = `${JSON.stringify({ ...manifest, files }, null, 2)}\n`;
  // The archive's folder is made, as `pack build --out` makes its own.
  makeFolders(dirname(resolve(out)));
  const partial = join(dirname(resolve(out)), `.${basename(out)}.tmp-${process.pid}`);
  const staging = mkdtempSync(join(tmpdir(), 'cordum-archive-'));
  const removeStaging = () => rmSync(staging, { recursive: true, force: true });
  const interrupt = onInterrupt(() => {
    rmSync(partial, { force: true });
    removeStaging();
  });
  try {
    const all = new Map(members);
    all.set('manifest.json', Buffer.from(text));
    all.set('manifest.json.sig', Buffer.from(`${sign(text)}\n`));
    for (const [name, bytes] of all) {
      makeFolders(dirname(join(staging, name)));
      writeFileSync(join(staging, name), bytes);
    }
    await create({ gzip: true, file: partial, cwd: staging, portable: true, noDirRecurse: true },
      ['manifest.json', 'manifest.json.sig', ...[...members.keys()].sort()]);
    renameSync(partial, out);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    removeStaging();
    interrupt.release();
  }
}

/**
 * How much an archive may unpack to: its pack tarballs are gzip already and
 * barely shrink again, so a real archive unpacks to little more than its own
 * size (its tables a few times theirs). Past this it is taken for a
 * decompression bomb, before it fills memory.
 */
export function archiveUnpackLimit(archiveBytes: number): number {
  return 256 * 1024 * 1024 + 20 * archiveBytes;
}

/** Every regular file of the archive, in memory. */
export async function readArchiveMembers(bytes: Buffer,
  limit = archiveUnpackLimit(bytes.length)): Promise<Map<string, Buffer>> {
  const members = new Map<string, Buffer>();
  let unpacked = 0;
  await new Promise<void>((resolve, reject) => {
    const parser: Parser = new Parser({ strict: true, onReadEntry: (entry: ReadEntry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => {
        unpacked += c.length;
        if (unpacked > limit) {
          parser.abort(new Error(`it unpacks to more than ${limit} bytes, ` +
            `${Math.floor(limit / Math.max(1, bytes.length))} times its own size: refused ` +
            'as a decompression bomb'));
          return;
        }
        chunks.push(c);
      });
      entry.on('end', () => {
        const name = entry.path.replace(/^\.\//, '');
        if (entry.type === 'File') members.set(name, Buffer.concat(chunks));
      });
    } });
    parser.on('end', resolve);
    parser.on('error', reject);
    parser.end(bytes);
  }).catch((err: unknown) => {
    throw new RegistryError('archive_invalid', `the archive is not a readable .tar.gz: ${
      err instanceof Error ? err.message : String(err)}`, { cause: err });
  });
  return members;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * manifest.json parsed, with the fields the checks read: a manifest that is
 * not JSON, or lacks `log.public_key` or `files`, is the archive's fault,
 * said as such, not a TypeError of whatever line read it first.
 */
function manifestOf(text: string): ArchiveManifest {
  const bad = (why: string) => new RegistryError('archive_invalid', `the archive's ` +
    `manifest.json ${why}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw bad(`is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isRecord(doc)) throw bad('is not a JSON object');
  const log = doc.log;
  if (!isRecord(log)) throw bad('has no `log` object');
  for (const field of ['key_id', 'public_key', 'origin', 'root_hash']) {
    if (typeof log[field] !== 'string') throw bad(`has no string \`log.${field}\``);
  }
  if (!Number.isSafeInteger(log.tree_size)) throw bad('has no integer `log.tree_size`');
  if (!isRecord(doc.files) || !Object.values(doc.files).every((d) => typeof d === 'string')) {
    throw bad('has no `files` object of member digests');
  }
  if (!isRecord(doc.counts)) throw bad('has no `counts` object');
  if (doc.tables !== undefined && (!isRecord(doc.tables) || !Object.values(doc.tables)
    .every((c) => Array.isArray(c) && c.every((n) => typeof n === 'string')))) {
    throw bad('has a `tables` field that is not an object of column-name lists');
  }
  return doc as unknown as ArchiveManifest;
}

/** The manifest, after its signature and every member's digest are checked. */
export function verifyArchive(members: Map<string, Buffer>, trustedPem?: string): ArchiveManifest {
  const text = members.get('manifest.json')?.toString('utf8');
  const sig = members.get('manifest.json.sig')?.toString('utf8').trim();
  if (!text || !sig) {
    throw new RegistryError('archive_invalid', 'the archive has no signed manifest');
  }
  const manifest = manifestOf(text);
  if (manifest.format !== ARCHIVE_FORMAT && manifest.format !== ARCHIVE_FORMAT_V1) {
    throw new RegistryError('archive_invalid', `unknown archive format ${String(manifest.format)}`
      + ` (this cordum reads ${ARCHIVE_FORMAT} and ${ARCHIVE_FORMAT_V1})`);
  }
  const pem = trustedPem ?? manifest.log.public_key;
  if (!createVerify('sha256').update(text).verify(pem, Buffer.from(sig, 'base64'))) {
    throw new RegistryError('archive_invalid', trustedPem
      ? 'the archive is not signed by the trusted log key' : 'the manifest signature is invalid');
  }
  for (const [name, digest] of Object.entries(manifest.files)) {
    const bytes = members.get(name);
    if (!bytes || sha256Hex(bytes) !== digest) {
      throw new RegistryError('archive_invalid', `archive member ${name} is missing or changed`);
    }
  }
  return manifest;
}

/**
 * The columns each table's rows hold, by table: V1_COLUMNS for a v1
 * archive, else the manifest's own list. A table or column this version
 * does not know (an archive of a newer cordum) is refused, never dropped.
 */
export function archivedColumns(manifest: ArchiveManifest,
  members: Map<string, Buffer>): Map<string, string[]> {
  const declared = manifest.format === ARCHIVE_FORMAT_V1 ? V1_COLUMNS : manifest.tables ?? {};
  const known = new Map(ARCHIVE_TABLES.map((a) => [a.table, new Set(a.columns)]));
  const out = new Map<string, string[]>();
  for (const [table, columns] of Object.entries(declared)) {
    const cols = known.get(table);
    const unknown = cols ? columns.filter((c) => !cols.has(c)) : [];
    if (!cols || unknown.length > 0 || columns.length === 0) {
      throw new RegistryError('archive_invalid', `the archive holds ${cols
        ? `columns ${unknown.join(', ')} of ` : ''}table ${table}, which this cordum does not ` +
        'restore; import it with the cordum version that made it');
    }
    out.set(table, columns);
  }
  for (const name of members.keys()) {
    const table = /^tables\/(.+)\.jsonl$/.exec(name)?.[1];
    if (table !== undefined && !out.has(table)) {
      throw new RegistryError('archive_invalid', `archive member ${name} is not a known table`);
    }
  }
  return out;
}

/**
 * The backup archive of `registry export` / `import`: a gzipped tar of
 * `manifest.json` (format, log key, tree head, and the SHA-256 of every
 * other member), `manifest.json.sig` (the log key's signature of it),
 * `tables/<table>.jsonl` and `blobs/<sha256>`. The tables listed here are
 * what a restore brings back; a part that adds state worth restoring adds
 * its table here.
 */
import { createVerify } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { create, Parser, type ReadEntry } from 'tar';
import { sha256Hex } from '../../packs/digest.js';
import { RegistryError } from '../errors.js';

export const ARCHIVE_FORMAT = 'cordum-registry-archive/v1';

/** Tables in restore order (parents first) with the columns that are kept. */
export const ARCHIVE_TABLES: { table: string; columns: string[]; order: string }[] = [
  { table: 'registry_publishers', columns: ['id', 'created_at'], order: 'id' },
  { table: 'registry_packs', columns: ['id', 'publisher', 'created_at'], order: 'id' },
  { table: 'registry_keys', columns: ['key_id', 'publisher', 'public_key', 'created_at'],
    order: 'key_id' },
  { table: 'registry_versions', columns: ['pack_id', 'version', 'sha256', 'key_id', 'manifest',
    'bundle', 'size', 'published_at'], order: 'pack_id, version' },
  { table: 'registry_yanks', columns: ['pack_id', 'version', 'reason', 'yanked_at'],
    order: 'pack_id, version' },
  { table: 'registry_key_revocations', columns: ['key_id', 'revoked_at'], order: 'key_id' },
  { table: 'registry_tlog_entries', columns: ['idx', 'kind', 'pack_id', 'version', 'sha256',
    'key_id', 'body', 'leaf_hash', 'created_at'], order: 'idx' },
  { table: 'registry_tlog_tree_heads', columns: ['tree_size', 'key_id', 'origin', 'root_hash',
    'signed_at', 'signature'], order: 'tree_size, key_id' },
];

export interface ArchiveManifest {
  format: string;
  created_at: string;
  log: { key_id: string; public_key: string; origin: string; tree_size: number;
    root_hash: string };
  counts: Record<string, number>;
  /** Member name → SHA-256 of its bytes. */
  files: Record<string, string>;
}

/** Writes `members` (name → bytes) and the signed manifest as a .tar.gz at `out`. */
export async function writeArchive(out: string, manifest: Omit<ArchiveManifest, 'files'>,
  members: Map<string, Buffer>, sign: (text: string) => string): Promise<void> {
  const files = Object.fromEntries([...members].map(([name, b]) => [name, sha256Hex(b)]));
  const text = `${JSON.stringify({ ...manifest, files }, null, 2)}\n`;
  const staging = mkdtempSync(join(tmpdir(), 'cordum-archive-'));
  try {
    const all = new Map(members);
    all.set('manifest.json', Buffer.from(text));
    all.set('manifest.json.sig', Buffer.from(`${sign(text)}\n`));
    for (const [name, bytes] of all) {
      mkdirSync(dirname(join(staging, name)), { recursive: true });
      writeFileSync(join(staging, name), bytes);
    }
    await create({ gzip: true, file: out, cwd: staging, portable: true, noDirRecurse: true },
      ['manifest.json', 'manifest.json.sig', ...[...members.keys()].sort()]);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Every regular file of the archive, in memory. */
export async function readArchiveMembers(bytes: Buffer): Promise<Map<string, Buffer>> {
  const members = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({ strict: true, onReadEntry: (entry: ReadEntry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
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

/** The manifest, after its signature and every member's digest are checked. */
export function verifyArchive(members: Map<string, Buffer>, trustedPem?: string): ArchiveManifest {
  const text = members.get('manifest.json')?.toString('utf8');
  const sig = members.get('manifest.json.sig')?.toString('utf8').trim();
  if (!text || !sig) {
    throw new RegistryError('archive_invalid', 'the archive has no signed manifest');
  }
  const manifest = JSON.parse(text) as ArchiveManifest;
  if (manifest.format !== ARCHIVE_FORMAT) {
    throw new RegistryError('archive_invalid', `unknown archive format ${String(manifest.format)}`);
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

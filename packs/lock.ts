/**
 * `cordum.lock`: what a project installed, pinned by digest and signer, so
 * a later install or run gets exactly the same bytes or fails.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJson } from './documents.js';
import { PackError } from './errors.js';

export interface LockEntry {
  version: string;
  sha256: string;
  key_id: string;
  /** The tarball URL it was downloaded from. */
  source: string;
  /** The range asked for, kept so `install` can say what changed. */
  range?: string;
}

export interface Lockfile {
  lockfileVersion: 1;
  packs: Record<string, LockEntry>;
}

export const LOCK_FILE = 'cordum.lock';

/** Where installed packs live under a project. */
export const layout = {
  packsDir: (project: string) => join(project, '.cordum', 'packs'),
  tarball: (project: string, id: string, version: string) =>
    join(project, '.cordum', 'packs', `${id}-${version}.tgz`),
  bundle: (project: string, id: string, version: string) =>
    join(project, '.cordum', 'packs', `${id}-${version}.tgz.sigstore.json`),
  unpacked: (project: string, id: string) => join(project, '.cordum', 'packs', id),
  key: (project: string, keyId: string) => join(project, '.cordum', 'keys', `${keyId}.pem`),
};

export function readLock(project: string): Lockfile | undefined {
  const path = join(project, LOCK_FILE);
  if (!existsSync(path)) return undefined;
  const doc = parseJson(readFileSync(path, 'utf8'), LOCK_FILE) as Partial<Lockfile>;
  if (doc.lockfileVersion !== 1 || !doc.packs || typeof doc.packs !== 'object') {
    throw new PackError('lock_invalid', `${LOCK_FILE}: expected lockfileVersion 1 and a packs map`);
  }
  for (const [id, e] of Object.entries(doc.packs)) {
    for (const field of ['version', 'sha256', 'key_id', 'source'] as const) {
      if (typeof e?.[field] !== 'string') {
        throw new PackError('lock_invalid', `${LOCK_FILE}: packs.${id}.${field} is missing`);
      }
    }
  }
  return doc as Lockfile;
}

/** Writes the lock atomically, packs sorted by id for clean diffs. */
export function writeLock(project: string, lock: Lockfile): void {
  const packs = Object.fromEntries(Object.entries(lock.packs).sort(([a], [b]) =>
    a < b ? -1 : 1));
  const path = join(project, LOCK_FILE);
  writeFileSync(`${path}.tmp`, `${JSON.stringify({ lockfileVersion: 1, packs }, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

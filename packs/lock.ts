/**
 * `cordum.lock`: what a project installed, pinned by digest and signer, so
 * a later install or run gets exactly the same bytes or fails.
 */
import {
  existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { isSha256Hex } from './digest.js';
import { parseJson, utf8Text } from './documents.js';
import { PackError } from './errors.js';
import { isPackId, PACK_ID_RULE } from './pack_id.js';
import { processAlive } from '../storage/process_alive.js';
import { makeFolders } from './folders.js';

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
  const doc = parseJson(lockText(path), LOCK_FILE) as Partial<Lockfile> | null;
  // `null` or a list is JSON too, and reading a field of null would throw a TypeError.
  if (!isMap(doc) || doc.lockfileVersion !== 1 || !isMap(doc.packs)) {
    throw new PackError('lock_invalid', `${LOCK_FILE}: expected lockfileVersion 1 and a packs map`);
  }
  for (const [id, e] of Object.entries(doc.packs)) {
    // The id names the registry route and the folder the pack is unpacked to: `../x`
    // must stop here, as the lock's fault, not reach either.
    if (!isPackId(id)) {
      throw new PackError('lock_invalid', `${LOCK_FILE}: packs.${JSON.stringify(id)}: not a ` +
        `pack id (expected ${PACK_ID_RULE}, as pack.yaml's metadata.id)`);
    }
    for (const field of ['version', 'sha256', 'key_id', 'source'] as const) {
      if (typeof e?.[field] !== 'string') {
        throw new PackError('lock_invalid', `${LOCK_FILE}: packs.${id}.${field} is missing`);
      }
    }
    checkEntryNames(id, e as LockEntry);
  }
  return doc as Lockfile;
}

/**
 * The lock's text. A read of a folder fails in Node with no path in its message
 * ("EISDIR: illegal operation on a directory, read"), so a folder named cordum.lock
 * is named here. Decoded as pack files are: a byte-order mark (an editor's, after a
 * merge conflict fixed by hand) is dropped, where JSON.parse failed on a character no
 * one could see in its message.
 */
function lockText(path: string): string {
  try {
    return utf8Text(readFileSync(path), LOCK_FILE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EISDIR') throw err;
    throw new PackError('lock_invalid', `${path}: is a folder; expected the JSON file that ` +
      'cordum pack install writes there: move the folder away', { cause: err });
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The version and key id name files under `.cordum` (see `layout`): a
 * version of `../../x` must be the lock's fault, not a path out of it.
 */
function checkEntryNames(id: string, e: LockEntry): void {
  const refuse = (field: string, expected: string) => {
    throw new PackError('lock_invalid', `${LOCK_FILE}: packs.${id}.${field}: ` +
      `${JSON.stringify(e[field as keyof LockEntry])} is not ${expected}`);
  };
  if (semver.valid(e.version) !== e.version) refuse('version', 'a semantic version');
  if (!isSha256Hex(e.sha256)) refuse('sha256', '64 lower-case hex digits');
  if (!isSha256Hex(e.key_id)) refuse('key_id', 'a key id (64 lower-case hex digits)');
}

/** Writes the lock in place at once (see stageLock). */
export function writeLock(project: string, lock: Lockfile): void {
  stageLock(project, lock).commit();
}

/**
 * Writes the lock, packs sorted by id for clean diffs, beside `cordum.lock`, and returns
 * the rename that puts it in place. An install writes it before it swaps any pack's
 * folder and renames it after: a lock that could not be written (a full disk) must fail
 * the install while every folder still matches the lock there.
 */
export function stageLock(project: string, lock: Lockfile): { commit(): void; drop(): void } {
  const packs = Object.fromEntries(Object.entries(lock.packs).sort(([a], [b]) =>
    a < b ? -1 : 1));
  const path = join(project, LOCK_FILE);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, `${JSON.stringify({ lockfileVersion: 1, packs }, null, 2)}\n`);
  } catch (err) {
    // A partial file goes; a folder of that name (which the write failed on) is not ours.
    if (!existsSync(tmp) || statSync(tmp).isFile()) rmSync(tmp, { force: true });
    throw err;
  }
  return { commit: () => renameSync(tmp, path), drop: () => rmSync(tmp, { force: true }) };
}

/** The pid in a busy file; null when the file is gone (released meanwhile). */
function holderOf(busy: string): number | null {
  try {
    return Number.parseInt(readFileSync(busy, 'utf8'), 10);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Holds the project's `cordum.lock` while an install updates it: a file
 * beside it (`cordum.lock.busy`), made only if absent, naming this process.
 * Two installs in one project (parallel CI steps) each read the lock at the
 * start and write it at the end: without this the later write dropped the
 * packs the other had just installed. A holder whose process is gone is
 * taken over; a live one is waited for, at most `waitMs`.
 */
export async function holdLock(project: string, waitMs = 60_000): Promise<() => void> {
  const busy = join(project, `${LOCK_FILE}.busy`);
  makeFolders(project);
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      writeFileSync(busy, `${process.pid}\n`, { flag: 'wx' });
      return () => rmSync(busy, { force: true });
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'EEXIST') throw err;
    }
    const pid = holderOf(busy);
    if (pid === null) continue;
    // NaN (empty): its writer is between creating and filling it, so wait.
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) {
      rmSync(busy, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new PackError('lock_busy', `${busy}: another install (process ${pid}) is ` +
        `updating ${LOCK_FILE} in this project; wait for it, or remove ${busy} if no such ` +
        'process runs');
    }
    await new Promise((done) => setTimeout(done, 25));
  }
}

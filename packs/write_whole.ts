/** Output files written whole or not at all. */
import { existsSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { makeFolders } from './folders.js';

/**
 * Writes `path` (making its folder) through `<path>.tmp-<pid>` beside it, renamed over
 * `path` once every byte is written. A write that failed part way (a full disk, a file
 * size limit) left a truncated tarball under the real name, over the good one there; now
 * it leaves nothing, not even the folders made for it. The error names `path`: Node names
 * no file for a failed write ("EFBIG: file too large, write").
 */
export function writeWhole(path: string, body: string | Uint8Array): void {
  const made = missingFolders(dirname(resolve(path)));
  makeFolders(dirname(path));
  const partial = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(partial, body);
    renameSync(partial, path);
  } catch (err) {
    removeQuietly(partial);
    removeEmpty(made);
    if (typeof (err as NodeJS.ErrnoException).code === 'string') {
      (err as NodeJS.ErrnoException).path = path;
    }
    throw err;
  }
}

/** Removes a partial file; one that cannot be (its name too long) was never made. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing of ours there: the error that matters is the write's.
  }
}

/** The folders from `folder` up that do not exist yet, innermost first. */
function missingFolders(folder: string): string[] {
  const missing: string[] = [];
  for (let at = folder; !existsSync(at) && dirname(at) !== at; at = dirname(at)) {
    missing.push(at);
  }
  return missing;
}

/** Removes the folders, innermost first, while they are empty (another process's stay). */
function removeEmpty(folders: string[]): void {
  try {
    for (const folder of folders) rmdirSync(folder);
  } catch {
    // Not empty, or gone: what is left is not ours to remove.
  }
}

/** Output files written whole or not at all. */
import { realpathSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeFolders } from './folders.js';

/**
 * Writes `path` (making its folder) through `<path>.tmp-<pid>` beside it, renamed over
 * `path` once every byte is written. A write that failed part way (a full disk, a file
 * size limit) left a truncated tarball under the real name, over the good one there; now
 * it leaves nothing, not even the folders made for it. The error names `path`: Node names
 * no file for a failed write ("EFBIG: file too large, write").
 */
export function writeWhole(path: string, body: string | Uint8Array): void {
  const existing = existingTarget(path);
  // A device or a pipe (--out /dev/stdout) is written to, never replaced.
  if (existing === 'special') {
    writeFileSync(path, body);
    return;
  }
  // Through a link, the file it names is replaced and the link kept, as writeFileSync did.
  const target = existing ?? path;
  const made = makeFolders(dirname(target));
  const partial = `${target}.tmp-${process.pid}`;
  try {
    writeFileSync(partial, body);
    renameSync(partial, target);
  } catch (err) {
    removeQuietly(partial);
    removeEmpty(made);
    if (typeof (err as NodeJS.ErrnoException).code === 'string') {
      (err as NodeJS.ErrnoException).path = path;
    }
    throw err;
  }
}

/** The real path of an existing regular file at `path`, 'special' for anything else there. */
function existingTarget(path: string): string | 'special' | undefined {
  try {
    return statSync(path).isFile() ? realpathSync(path) : 'special';
  } catch {
    return undefined;
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

/** Removes the folders made (outermost first), innermost first, while they are empty. */
function removeEmpty(folders: string[]): void {
  try {
    for (const folder of [...folders].reverse()) rmdirSync(folder);
  } catch {
    // Not empty, or gone: what is left is not ours to remove.
  }
}

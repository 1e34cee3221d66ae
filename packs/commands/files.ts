import { readFileSync } from 'node:fs';
import { PackError } from '../errors.js';

/** Reads a file a command was given, or fails naming it. */
export function readOrFail(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    // A pack's folder given where its tarball belongs is a step skipped, not a bad path.
    if ((err as NodeJS.ErrnoException).code === 'EISDIR') {
      const build = what === 'tarball' ? `: build it first (cordum pack build ${path})` : '';
      throw new PackError('file_missing', `${what} ${path}: is a folder, not a file${build}`,
        { cause: err });
    }
    throw new PackError('file_missing', `${what} ${path}: cannot be read`, { cause: err });
  }
}

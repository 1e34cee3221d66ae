import { readFileSync, statSync } from 'node:fs';
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

/** A file a command reads, named as the command line gave it (`--key k.key`, `tarball a.tgz`). */
export interface InputFile {
  path: string;
  what: string;
}

/**
 * Refuses an output file that is one of the command's inputs. The output is written
 * after the inputs are read, so nothing would fail: `pack sign a.tgz --out k.key` put the
 * signature over the only copy of the private key, and `pack build DIR --out DIR/pack.yaml`
 * a tarball over the manifest. Files are compared by device and inode, so another
 * spelling of the path, a symbolic link or a hard link is the same file.
 */
export function refuseOverwrite(out: string, flag: string, inputs: InputFile[]): void {
  const target = identity(out);
  if (target === undefined) return;
  const hit = inputs.find((input) => identity(input.path) === target);
  if (hit === undefined) return;
  throw new PackError('usage', `${flag} ${out} is ${hit.what} ${hit.path}, which this command ` +
    `reads: writing there would destroy it; give ${flag} another file`);
}

/** `dev:ino` of an existing file; undefined when there is none to compare. */
function identity(path: string): string | undefined {
  try {
    const st = statSync(path);
    return st.isFile() ? `${st.dev}:${st.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where a flag naming a file to write (`--out`, `--junit`) writes. A value
 * ending in `/`, or naming a folder that exists, names a folder: Node's
 * path functions dropped the slash, so `pack build --out dist/` wrote a
 * file called `dist`, while `registry audit export --out dist/` failed with
 * EISDIR. Now a command with a file name of its own writes it into the
 * folder, as `cp` and `npm pack --pack-destination` do; another refuses
 * the folder by name.
 */
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PackError } from '../packs/errors.js';

function namesFolder(path: string): boolean {
  if (/[\\/]$/.test(path)) return true;
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The file to write: `name` (the command's own file name) when no `value`
 * was given, `name` inside `value` when that names a folder, else `value`.
 */
export function outFileOrInto(value: string | undefined, name: string): string {
  if (value === undefined) return name;
  return namesFolder(value) ? join(value, basename(name)) : value;
}

/** Refuses a `value` of `flag` that names a folder, for a command with no file name of its own. */
export function assertNotFolder(flag: string, value: string | undefined, example: string): void {
  if (value === undefined || !namesFolder(value)) return;
  throw new PackError('usage', `${flag} ${value} is a folder: give the file to write, such as ` +
    `${join(value, example)}`);
}

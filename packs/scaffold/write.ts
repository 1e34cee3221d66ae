/** Writes a scaffold into a new (or empty) folder, whole or not at all; never over files. */
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PackError } from '../errors.js';
import { makeFolders } from '../folders.js';

export function writeScaffold(dir: string, files: Map<string, string>): string[] {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new PackError('file_exists', `${dir}: is a file; give a new folder name`);
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    // The folder is there, not the command line wrong: file_exists (exit 1), as keygen's
    // key_exists, not usage (exit 2).
    throw new PackError('file_exists', `${dir}: the folder exists and is not empty; ` +
      'give a new folder name');
  }
  // Written beside and renamed into place (over the empty folder, if one is there): a write
  // that fails part way (a full disk) left a folder of some files, which the next try then
  // refused as not empty.
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const written: string[] = [];
  try {
    for (const [name, text] of files) {
      const target = join(staging, name);
      makeFolders(dirname(target));
      writeFileSync(target, text, { flag: 'wx' });
      written.push(name);
    }
    renameSync(staging, dir);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  return written;
}

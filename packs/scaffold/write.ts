/** Writes a scaffold into a new (or empty) folder; never over existing files. */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PackError } from '../errors.js';
import { makeFolders } from '../folders.js';

export function writeScaffold(dir: string, files: Map<string, string>): string[] {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    // The folder is there, not the command line wrong: file_exists (exit 1), as keygen's
    // key_exists, not usage (exit 2).
    throw new PackError('file_exists', `${dir}: the folder exists and is not empty; ` +
      'give a new folder name');
  }
  const written: string[] = [];
  for (const [name, text] of files) {
    const target = join(dir, name);
    makeFolders(dirname(target));
    writeFileSync(target, text, { flag: 'wx' });
    written.push(name);
  }
  return written;
}

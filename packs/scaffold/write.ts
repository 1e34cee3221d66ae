/** Writes a scaffold into a new (or empty) folder; never over existing files. */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PackError } from '../errors.js';

export function writeScaffold(dir: string, files: Map<string, string>): string[] {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new PackError('usage', `${dir}: the folder exists and is not empty; ` +
      'give a new folder name');
  }
  const written: string[] = [];
  for (const [name, text] of files) {
    const target = join(dir, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text, { flag: 'wx' });
    written.push(name);
  }
  return written;
}

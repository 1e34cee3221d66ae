/**
 * Writes a pack's already-checked files under a folder. Paths were vetted by
 * readBundle; each is checked again against the folder, as a second lock.
 */
import { mkdirSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { PackError } from '../errors.js';
import type { PackFiles } from './read.js';

/** Replaces `destDir` with the pack's files, atomically by rename. */
export function writePackFiles(files: PackFiles, destDir: string): void {
  const final = resolve(destDir);
  const staging = `${final}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  for (const [name, body] of files.files) {
    const target = resolve(staging, name);
    if (!target.startsWith(staging + sep)) {
      throw new PackError('bundle_path_traversal', `${name}: leaves ${destDir}`);
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, body, { mode: 0o644 });
  }
  mkdirSync(staging, { recursive: true });
  rmSync(final, { recursive: true, force: true });
  mkdirSync(dirname(final), { recursive: true });
  renameSync(staging, final);
}


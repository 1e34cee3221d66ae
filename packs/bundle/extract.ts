/**
 * Writes a pack's already-checked files under a folder. Paths were vetted by
 * readBundle; each is checked again against the folder, as a second lock.
 */
import { readdirSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { PackError } from '../errors.js';
import type { PackFiles } from './read.js';
import { processAlive } from '../../storage/process_alive.js';
import { makeFolders } from '../folders.js';

const STAGING = /^.+\.tmp-(\d+)$/;

/**
 * Removes staging folders (`<id>.tmp-<pid>`) in `dir` whose process is gone:
 * an install killed mid-write (SIGKILL, a crash) left them, and staging is
 * named by pid, so no later install would reuse and replace them. With
 * `own`, this process's go too (an install interrupted by a signal).
 */
export function removeStaging(dir: string, own = false): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(STAGING.exec(name)?.[1] ?? Number.NaN);
    if (Number.isNaN(pid) || (pid === process.pid ? !own : processAlive(pid))) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
  }
}

/** Replaces `destDir` with the pack's files, atomically by rename. */
export function writePackFiles(files: PackFiles, destDir: string): void {
  swapIn(stagePackFiles(files, destDir), destDir);
}

/**
 * Writes the pack's files into `<destDir>.tmp-<pid>` and returns that folder,
 * leaving `destDir` as it is; `swapIn` puts it in place. An install of
 * several packs stages them all first, so one that cannot be written (a
 * full disk, a name the file system refuses) changes no pack's folder.
 */
export function stagePackFiles(files: PackFiles, destDir: string): string {
  const final = resolve(destDir);
  const staging = `${final}.tmp-${process.pid}`;
  removeStaging(dirname(final));
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const [name, body] of files.files) {
      const target = resolve(staging, name);
      if (!target.startsWith(staging + sep)) {
        throw new PackError('bundle_path_traversal', `${name}: leaves ${destDir}`);
      }
      makeFolders(dirname(target));
      writeFileSync(target, body, { mode: 0o644 });
    }
    makeFolders(staging);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  return staging;
}

/** Replaces `destDir` with a folder `stagePackFiles` made. */
export function swapIn(staging: string, destDir: string): void {
  const final = resolve(destDir);
  try {
    rmSync(final, { recursive: true, force: true });
    makeFolders(dirname(final));
    renameSync(staging, final);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}

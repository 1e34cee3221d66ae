/**
 * A new PGlite database from a dump of one that PGlite's own initdb made,
 * taken by `npm run build` (scripts/pglite_initial.mjs) with the PGlite
 * installed beside it. Unpacking it takes about a second here, against
 * about five for initdb in WebAssembly. The dump's name carries PGlite's
 * version: another version (a dependency updated without a build) finds no
 * dump and runs initdb, as does a checkout that was never built.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** The dump's file name for a PGlite version; the build writes it into dist/. */
export function initialDumpName(version: string): string {
  return `pglite-${version}-initdb.tar.gz`;
}

/** The installed PGlite's version, read from its package.json (which it does not export). */
export function pgliteVersion(): string | undefined {
  try {
    let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    for (let up = 0; up < 4; up++, dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite') return pkg.version;
    }
  } catch {
    // Not installed where this file can see it: initdb it is.
  }
  return undefined;
}

let found: string | null | undefined;

/**
 * The dump for the installed PGlite, unpacked to its tar (PGlite takes
 * either), or undefined. It is looked for beside this module (the bundle in
 * dist/) and in dist/ (this file run from source). Unpacking checks the
 * gzip's length and checksum: a damaged dump (a build cut off) is passed
 * over for initdb, where PGlite would fail on it with no word of the file
 * and leave the new folder empty. Only the file's path is kept between
 * calls, not its forty-odd MB of tar.
 */
export function initialDataDir(): Blob | undefined {
  if (found === undefined) {
    found = null;
    const version = pgliteVersion();
    if (version) {
      const here = dirname(fileURLToPath(import.meta.url));
      const name = initialDumpName(version);
      found = [join(here, name), join(here, '..', 'dist', name)].find((f) => existsSync(f))
        ?? null;
    }
  }
  return found ? unpackedDump(found) : undefined;
}

/** The tar inside a gzipped dump, or undefined when the file is damaged or unreadable. */
export function unpackedDump(file: string): Blob | undefined {
  try {
    const tar = gunzipSync(readFileSync(file));
    return wholeDatabaseTar(tar) ? new Blob([tar]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `tar` is a whole tar of a database folder: every header says
 * `ustar`, every entry's data is there, it ends with the end-of-archive
 * blocks, and it holds `PG_VERSION`. PGlite would otherwise fail on a cut
 * tar after writing part of the folder, or reject on random bytes where
 * nobody can catch it.
 */
export function wholeDatabaseTar(tar: Uint8Array): boolean {
  const text = (from: number, length: number) =>
    Buffer.from(tar.subarray(from, from + length)).toString('latin1').replace(/\0.*$/s, '');
  let holdsVersion = false;
  for (let at = 0; at + 512 <= tar.length;) {
    if (tar.subarray(at, at + 512).every((b) => b === 0)) {
      return holdsVersion && at + 1024 <= tar.length;
    }
    if (text(at + 257, 5) !== 'ustar') return false;
    const size = Number.parseInt(text(at + 124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) return false;
    const name = text(at + 345, 155) + text(at, 100);
    if (name.replace(/^\/+/, '') === 'PG_VERSION') holdsVersion = true;
    at += 512 + Math.ceil(size / 512) * 512;
    if (at > tar.length) return false;
  }
  return false;
}

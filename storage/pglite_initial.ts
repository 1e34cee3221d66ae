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
import { Header } from 'tar';

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
 * Whether `tar` is a whole tar of a database folder: every header's
 * checksum holds, every entry's data is there, it ends with the
 * end-of-archive blocks, and it holds `PG_VERSION`. PGlite would otherwise
 * fail on a cut tar after writing part of the folder, or reject on random
 * bytes where nobody can catch it. Headers are read by node-tar's `Header`,
 * as packs/bundle/read.ts frames pack tarballs.
 */
export function wholeDatabaseTar(tar: Uint8Array): boolean {
  const bytes = Buffer.from(tar.buffer, tar.byteOffset, tar.byteLength);
  let holdsVersion = false;
  try {
    for (let at = 0; at + 512 <= bytes.length;) {
      const header = new Header(bytes, at);
      if (header.nullBlock) return holdsVersion && at + 1024 <= bytes.length;
      if (!header.cksumValid) return false;
      if (header.path?.replace(/^\/+/, '') === 'PG_VERSION') holdsVersion = true;
      at += 512 + Math.ceil((header.size ?? 0) / 512) * 512;
      if (at > bytes.length) return false;
    }
  } catch {
    // A header's number fields that do not decode (random bytes).
  }
  return false;
}

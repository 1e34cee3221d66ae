/**
 * A new PGlite folder starts from the dump `npm run build` took of a fresh
 * database (made for the installed PGlite version), not from initdb; a
 * folder that holds a database is opened as it is.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../storage/database.js';
import {
  initialDataDir, initialDumpName, pgliteVersion, unpackedDump,
} from '../../storage/pglite_initial.js';

const installed = JSON.parse(readFileSync(
  join('node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a new PGlite database', () => {
  it('finds the installed version and the build\'s dump for it, unpacked', async () => {
    expect(pgliteVersion()).toBe(installed.version);
    expect(initialDumpName('0.5.17')).toBe('pglite-0.5.17-initdb.tar.gz');
    const dump = initialDataDir();
    expect(dump).toBeInstanceOf(Blob);
    const tar = Buffer.from(await dump!.arrayBuffer());
    // A tar's first header names its format at byte 257; the build's file is its gzip.
    expect(tar.subarray(257, 262).toString('latin1')).toBe('ustar');
    const built = readFileSync(join('dist', initialDumpName(installed.version)));
    expect(gunzipSync(built).equals(tar)).toBe(true);
  });

  it('passes over a damaged dump (cut short, or not gzip) and a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-dump-'));
    const built = readFileSync(join('dist', initialDumpName(installed.version)));
    writeFileSync(join(dir, 'cut.tar.gz'), built.subarray(0, built.length - 100));
    writeFileSync(join(dir, 'text.tar.gz'), 'not a dump');
    expect(unpackedDump(join(dir, 'cut.tar.gz'))).toBeUndefined();
    expect(unpackedDump(join(dir, 'text.tar.gz'))).toBeUndefined();
    expect(unpackedDump(join(dir, 'missing.tar.gz'))).toBeUndefined();
    expect(unpackedDump(join('dist', initialDumpName(installed.version)))?.size)
      .toBe(gunzipSync(built).length);
  });

  it('starts from the dump in a new folder, and opens an existing one as it is', async () => {
    const create = vi.spyOn(PGlite, 'create');
    const dataDir = join(mkdtempSync(join(tmpdir(), 'cordum-initial-')), 'db');
    const db = await openDatabase({ dataDir });
    await db.exec('CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)');
    await db.close();
    const again = await openDatabase({ dataDir });
    const rows = await again.query<{ n: number }>('SELECT n FROM kept');
    await again.close();
    expect(rows.rows).toEqual([{ n: 7 }]);
    const loaded = create.mock.calls.map((c) =>
      (c[1] as { loadDataDir?: Blob })?.loadDataDir?.size);
    expect(loaded).toEqual([initialDataDir()!.size, undefined]);
  });
});

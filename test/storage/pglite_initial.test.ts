/**
 * A new PGlite folder starts from the dump `npm run build` took of a fresh
 * database (made for the installed PGlite version), not from initdb; a
 * folder that holds a database is opened as it is.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../storage/database.js';
import { initialDataDir, initialDumpName, pgliteVersion } from '../../storage/pglite_initial.js';

const installed = JSON.parse(readFileSync(
  join('node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a new PGlite database', () => {
  it('finds the installed version and the build\'s dump for it', async () => {
    expect(pgliteVersion()).toBe(installed.version);
    expect(initialDumpName('0.5.17')).toBe('pglite-0.5.17-initdb.tar.gz');
    const dump = initialDataDir();
    expect(dump).toBeInstanceOf(Blob);
    const bytes = new Uint8Array(await dump!.arrayBuffer());
    // gzip's magic number, and the very file the build wrote.
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect(bytes.length).toBe(readFileSync(join('dist', initialDumpName(installed.version)))
      .length);
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
    const loaded = create.mock.calls.map((c) => (c[1] as { loadDataDir?: Blob })?.loadDataDir);
    expect(loaded).toEqual([initialDataDir(), undefined]);
  });
});

/**
 * A new PGlite folder starts from the dump `npm run build` took of a fresh
 * database (made for the installed PGlite version), not from initdb; a
 * folder that holds a database is opened as it is.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../storage/database.js';
import {
  initialDataDir, initialDumpName, pgliteVersion, unpackedDump, wholeDatabaseTar,
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

  it('takes only a whole tar of a database folder', () => {
    const tar = gunzipSync(readFileSync(join('dist', initialDumpName(installed.version))));
    expect(wholeDatabaseTar(tar)).toBe(true);
    // Cut inside an entry, cut before the end-of-archive blocks, random bytes, nothing.
    expect(wholeDatabaseTar(tar.subarray(0, 10_000_000))).toBe(false);
    expect(wholeDatabaseTar(tar.subarray(0, endOfEntries(tar)))).toBe(false);
    expect(wholeDatabaseTar(new Uint8Array(4096).map((_, i) => (i * 7919) % 251))).toBe(false);
    expect(wholeDatabaseTar(new Uint8Array(1024))).toBe(false);
    // A whole tar of something else: its top PG_VERSION (the first entry) renamed away.
    const other = Buffer.from(tar);
    expect(other.subarray(0, 100).toString('latin1')).toMatch(/^\/?PG_VERSION\0/);
    other.write('X', other.indexOf('PG_VERSION'), 'latin1');
    expect(wholeDatabaseTar(other)).toBe(false);
  });

  it('makes again a folder left half made by a stopped first command', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'cordum-half-')), 'db');
    // What a kill mid-unpack leaves: a few of the dump's files, and the marker beside them.
    mkdirSync(join(dataDir, 'base'), { recursive: true });
    writeFileSync(join(dataDir, 'PG_VERSION'), '17\n');
    writeFileSync(`${dataDir}.unpacking`, '1\n');
    const db = await openDatabase({ dataDir });
    const rows = await db.query<{ one: number }>('SELECT 1 AS one');
    await db.close();
    expect(rows.rows).toEqual([{ one: 1 }]);
    expect(existsSync(`${dataDir}.unpacking`)).toBe(false);
  });

  it('leaves a folder the next command opens when the first is killed mid-unpack', async () => {
    const cli = resolve('bin', 'cordum.js');
    const data = mkdtempSync(join(tmpdir(), 'cordum-killed-'));
    // The registry makes its database at start (engine commands about runs make none).
    const first = spawn(process.execPath, [cli, 'registry', 'serve', '--data', data, '--port',
      '0'], { stdio: 'ignore' });
    // PG_VERSION is the dump's first file: once it is there the unpack is under way.
    for (let i = 0; i < 4000 && !existsSync(join(data, 'db', 'PG_VERSION')); i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const next = spawnSync(process.execPath, [cli, 'engine', 'runs', 'list', '--data', data,
      '--json'], { encoding: 'utf8' });
    expect(next.stderr).not.toContain('failed to initialize');
    expect(next.status).toBe(0);
    expect(JSON.parse(next.stdout)).toEqual({ runs: [] });
  });

  it('names a database folder that is a file, and leaves it be', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'cordum-file-')), 'db');
    writeFileSync(dataDir, 'mine');
    await expect(openDatabase({ dataDir })).rejects.toMatchObject({
      code: 'database_not_a_folder', message: expect.stringContaining(`${dataDir} is a file`) });
    expect(readFileSync(dataDir, 'utf8')).toBe('mine');
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

/** Where a tar's entries end and its end-of-archive blocks begin. */
function endOfEntries(tar: Buffer): number {
  let at = 0;
  while (!tar.subarray(at, at + 512).every((b) => b === 0)) {
    const size = Number.parseInt(tar.subarray(at + 124, at + 136).toString('latin1')
      .replace(/\0.*$/s, '').trim() || '0', 8);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return at;
}

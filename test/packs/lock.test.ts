/**
 * `cordum.lock` ids are held to the manifest's id rule when the lock is
 * read: `../../evil` is the lock's fault (`lock_invalid`, naming the file
 * and the entry), found before any registry is asked for it. So are the
 * version and key id, which name files under `.cordum`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installPacks, type InstallRegistry } from '../../packs/install.js';
import { LOCK_FILE, readLock } from '../../packs/lock.js';

const ENTRY = { version: '1.0.0', sha256: 'a'.repeat(64), key_id: 'b'.repeat(64),
  source: 'http://127.0.0.1:9/v1/packs/x/versions/1.0.0/tarball' };

const projects: string[] = [];
afterAll(() => {
  for (const dir of projects) rmSync(dir, { recursive: true, force: true });
});

function projectWith(ids: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'cordum-lock-'));
  projects.push(dir);
  const packs = Object.fromEntries(ids.map((id) => [id, ENTRY]));
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ lockfileVersion: 1, packs }));
  return dir;
}

describe('readLock: the document', () => {
  const withText = (text: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-lock-'));
    projects.push(dir);
    writeFileSync(join(dir, LOCK_FILE), text);
    return dir;
  };

  it.each([
    ['null', 'null'],
    ['a list', '[]'],
    ['a string', '"cordum"'],
    ['a packs list (its indexes would read as pack ids)',
      JSON.stringify({ lockfileVersion: 1, packs: [ENTRY] })],
    ['packs null', JSON.stringify({ lockfileVersion: 1, packs: null })],
  ])('refuses %s as lock_invalid', (_, text) => {
    expect(() => readLock(withText(text))).toThrow(expect.objectContaining({
      code: 'lock_invalid',
      message: `${LOCK_FILE}: expected lockfileVersion 1 and a packs map`,
    }));
  });
});

describe('readLock: a folder named cordum.lock', () => {
  it('is lock_invalid naming its path (Node\'s EISDIR named none)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-lock-'));
    projects.push(dir);
    mkdirSync(join(dir, LOCK_FILE));
    expect(() => readLock(dir)).toThrow(expect.objectContaining({ code: 'lock_invalid',
      message: `${join(dir, LOCK_FILE)}: is a folder; expected the JSON file that cordum pack ` +
        'install writes there: move the folder away' }));
  });
});

describe('readLock: a lock an editor saved with a byte-order mark', () => {
  it('reads as the same lock', () => {
    const dir = projectWith(['hello-pack']);
    const text = readFileSync(join(dir, LOCK_FILE), 'utf8');
    writeFileSync(join(dir, LOCK_FILE), `\uFEFF${text}`);
    expect(readLock(dir)).toEqual(JSON.parse(text));
  });
});

describe('readLock: pack ids', () => {
  it.each([
    { name: 'a parent path', id: '../../evil' },
    { name: 'a slash', id: 'acme/tool' },
    { name: 'upper case', id: 'Hello' },
    { name: 'an empty id', id: '' },
    { name: 'a space', id: 'hello pack' },
    { name: 'past 128 characters', id: 'a'.repeat(129) },
  ])('refuses $name as lock_invalid naming the file and the entry', ({ id }) => {
    const project = projectWith(['hello-pack', id]);
    expect(() => readLock(project)).toThrow(expect.objectContaining({
      code: 'lock_invalid',
      message: `${LOCK_FILE}: packs.${JSON.stringify(id)}: not a pack id (expected 1 to 128 ` +
        "characters of a-z, 0-9 and -, as pack.yaml's metadata.id)",
    }));
  });

  it('takes the ids a manifest may have', () => {
    const ids = ['hello-pack', 'a', '0-9', 'x'.repeat(128)];
    expect(Object.keys(readLock(projectWith(ids))!.packs)).toEqual(ids);
  });
});

describe('readLock: the names an entry gives files', () => {
  const withEntry = (entry: object) => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-lock-'));
    projects.push(dir);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ lockfileVersion: 1,
      packs: { 'hello-pack': { ...ENTRY, ...entry } } }));
    return dir;
  };

  it.each([
    ['version', '../../../etc/x', 'a semantic version'],
    ['version', 'v1.0.0', 'a semantic version'],
    ['sha256', 'sha256:' + 'a'.repeat(64), '64 lower-case hex digits'],
    ['key_id', '../keys/other', 'a key id (64 lower-case hex digits)'],
  ])('refuses a %s of %j', (field, value, expected) => {
    expect(() => readLock(withEntry({ [field]: value }))).toThrow(expect.objectContaining({
      code: 'lock_invalid',
      message: `${LOCK_FILE}: packs.hello-pack.${field}: ${JSON.stringify(value)} is not ` +
        expected,
    }));
  });

  it('takes a pre-release version', () => {
    expect(readLock(withEntry({ version: '1.0.0-rc.1' }))!.packs['hello-pack']!.version)
      .toBe('1.0.0-rc.1');
  });
});

describe('install from a lock with a bad id', () => {
  it('refuses it before asking the registry anything', async () => {
    const asked: string[] = [];
    const ask = (what: string) => async (): Promise<never> => {
      asked.push(what);
      throw new Error(`the registry was asked: ${what}`);
    };
    const registry: InstallRegistry = { resolve: ask('resolve'),
      getVersion: ask('getVersion'), fetchBytes: ask('fetchBytes'), getKey: ask('getKey') };
    await expect(installPacks({ registry, project: projectWith(['../../evil']), specs: [] }))
      .rejects.toMatchObject({ code: 'lock_invalid',
        message: expect.stringContaining('packs."../../evil"') });
    expect(asked).toEqual([]);
  });
});

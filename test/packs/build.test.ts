/**
 * buildBundle: every real pack builds, the bytes depend only on names and
 * contents, the tarball reads back to the same files, links are refused.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync, linkSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Parser, type ReadEntry } from 'tar';
import { gunzipSync } from 'node:zlib';
import { buildBundle } from '../../packs/bundle/build.js';
import { readBundle } from '../../packs/bundle/read.js';
import { readPackDir } from '../../packs/bundle/source.js';
import { sha256Hex } from '../../packs/digest.js';
import { copyPack, REAL_PACK_NAMES, realPack, writeIn } from './helpers/packs.js';

/** Headers of every entry in a tarball, as tar reads them. */
function headersOf(tgz: Buffer) {
  const headers: { path: string; type: string; mode: number; mtime: number;
    uid: number | null; uname: string }[] = [];
  const parser = new Parser({
    onReadEntry: (e: ReadEntry) => {
      headers.push({ path: e.path, type: e.type, mode: e.mode ?? -1,
        mtime: e.mtime?.getTime() ?? -1, uid: e.uid ?? null, uname: e.uname ?? '' });
      e.resume();
    },
  });
  parser.end(gunzipSync(tgz));
  return headers;
}

/** Copies a pack file by file in reverse order, with scrambled times and modes. */
function scrambledCopy(source: string): string {
  const files = [...readPackDir(source).files.keys()].sort().reverse();
  const dir = join(mkdtempSync(join(tmpdir(), 'cordum-scrambled-')), 'pack');
  files.forEach((name, i) => {
    const target = join(dir, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, readFileSync(join(source, name)));
    chmodSync(target, i % 2 === 0 ? 0o600 : 0o755);
    const when = new Date(Date.UTC(2020 + i, i % 12, 1 + i));
    utimesSync(target, when, when);
  });
  return dir;
}

describe.each(REAL_PACK_NAMES)('buildBundle(%s)', (name) => {
  it('builds <id>-<version>.tgz holding every file of the folder', async () => {
    const built = await buildBundle(realPack(name));
    const { id, version } = built.pack.manifest.metadata;
    expect(id).toBe(name);
    expect(built.fileName).toBe(`${name}-${version}.tgz`);
    expect(built.tgz.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));

    const source = readPackDir(realPack(name)).files;
    const back = (await readBundle(built.tgz)).files;
    expect([...back.keys()].sort()).toEqual([...source.keys()].sort());
    for (const [file, body] of source) expect(back.get(file), file).toEqual(body);
  });

  it('gives the same bytes twice, and from a scrambled copy', async () => {
    const first = await buildBundle(realPack(name));
    const second = await buildBundle(realPack(name));
    const scrambled = await buildBundle(scrambledCopy(realPack(name)));
    expect(sha256Hex(second.tgz)).toBe(sha256Hex(first.tgz));
    expect(scrambled.tgz.equals(first.tgz)).toBe(true);
  });

  it('writes sorted regular files with fixed time, owner and mode', async () => {
    const headers = headersOf((await buildBundle(scrambledCopy(realPack(name)))).tgz);
    const paths = headers.map((h) => h.path);
    expect(paths).toEqual([...paths].sort());
    for (const h of headers) {
      // Portable headers record no owner at all.
      expect(h).toMatchObject({ type: 'File', mode: 0o644, uid: null, uname: '',
        mtime: Date.UTC(2000, 0, 1) });
    }
  });
});

describe('buildBundle of a source folder', () => {
  it('leaves out VCS data, node_modules and earlier builds', async () => {
    const dir = copyPack('hello-pack');
    const clean = await buildBundle(dir);
    mkdirSync(join(dir, '.git'));
    writeIn(dir, '.git/HEAD', 'ref: refs/heads/main\n');
    mkdirSync(join(dir, 'node_modules'));
    writeIn(dir, 'node_modules/x.js', '');
    writeFileSync(join(dir, clean.fileName), clean.tgz);
    writeIn(dir, `${clean.fileName}.sigstore.json`, '{}');
    writeIn(dir, '.DS_Store', 'junk');
    expect((await buildBundle(dir)).tgz.equals(clean.tgz)).toBe(true);
  });

  it('finds the pack in a pack/ subfolder', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'cordum-repo-'));
    execFileSync('cp', ['-r', realPack('slack'), join(repo, 'pack')]);
    writeFileSync(join(repo, 'README.md'), '# not part of the pack');
    const built = await buildBundle(repo);
    expect(built.tgz.equals((await buildBundle(realPack('slack'))).tgz)).toBe(true);
  });

  it('changes the bytes when one byte of one file changes', async () => {
    const dir = copyPack('hello-pack');
    const before = await buildBundle(dir);
    const schema = readFileSync(join(dir, 'schemas/HelloInput.json'), 'utf8');
    writeIn(dir, 'schemas/HelloInput.json', schema.replace('"message"', '"messagE"'));
    const after = await buildBundle(dir);
    expect(sha256Hex(after.tgz)).not.toBe(sha256Hex(before.tgz));
  });

  it('refuses a symlink to a file', async () => {
    const dir = copyPack('hello-pack');
    symlinkSync('/etc/passwd', join(dir, 'schemas/passwd.json'));
    await expect(buildBundle(dir)).rejects.toMatchObject({ code: 'bundle_link',
      message: expect.stringContaining('schemas/passwd.json') });
  });

  it('refuses a symlink to a folder', async () => {
    const dir = copyPack('hello-pack');
    symlinkSync(tmpdir(), join(dir, 'overlays/tmp'));
    await expect(buildBundle(dir)).rejects.toMatchObject({ code: 'bundle_link' });
  });

  it('refuses a FIFO', async () => {
    const dir = copyPack('hello-pack');
    execFileSync('mkfifo', [join(dir, 'workflows/pipe')]);
    await expect(buildBundle(dir)).rejects.toMatchObject({ code: 'bundle_special_file' });
  });

  it('stores a hard-linked file as a plain copy, never as a link entry', async () => {
    const dir = copyPack('hello-pack');
    linkSync(join(dir, 'schemas/HelloInput.json'), join(dir, 'schemas/Again.json'));
    const built = await buildBundle(dir);
    const headers = headersOf(built.tgz);
    expect(headers.map((h) => h.type)).toEqual(headers.map(() => 'File'));
    const back = (await readBundle(built.tgz)).files;
    expect(back.get('schemas/Again.json')).toEqual(back.get('schemas/HelloInput.json'));
  });

  it('keeps names longer than a plain tar header holds, each its own file', async () => {
    const dir = copyPack('hello-pack');
    const long = (c: string) => `overlays/${c.repeat(120)}.txt`;
    const deep = `overlays/${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(60)}/notes.txt`;
    mkdirSync(dirname(join(dir, deep)), { recursive: true });
    writeIn(dir, long('a'), 'first');
    writeIn(dir, long('b'), 'second');
    writeIn(dir, deep, 'deep');
    const built = await buildBundle(dir);
    const back = (await readBundle(built.tgz)).files;
    expect(back.get(long('a'))?.toString()).toBe('first');
    expect(back.get(long('b'))?.toString()).toBe('second');
    expect(back.get(deep)?.toString()).toBe('deep');
    // Short names still get plain headers only: the bytes of other packs do not change.
    expect(sha256Hex((await buildBundle(copyPack('hello-pack'))).tgz))
      .toBe(sha256Hex((await buildBundle(realPack('hello-pack'))).tgz));
  });

  it.each([
    ['a backslash', 'overlays/a\\b.txt', 'bundle_path_invalid', '"overlays/a\\\\b.txt"'],
    ['a newline', 'overlays/a\nb.txt', 'bundle_path_invalid', '"overlays/a\\nb.txt"'],
    ['a name that differs from another only in case', 'readme.MD', 'bundle_duplicate_entry',
      'readme.MD'],
  ])('refuses a file name with %s, naming it, as a reader of the bundle would',
    async (_, name, code, named) => {
      const dir = copyPack('hello-pack');
      writeIn(dir, 'README.md', 'read me');
      writeIn(dir, name, 'x');
      await expect(buildBundle(dir)).rejects.toMatchObject({
        code, message: expect.stringContaining(named),
      });
    });

  it('refuses a pack that does not validate, with every issue', async () => {
    const dir = copyPack('hello-pack');
    writeIn(dir, 'workflows/echo.yaml', 'id: hello-pack.echo\nsteps: {}\n');
    await expect(buildBundle(dir)).rejects.toMatchObject({
      code: 'validation_failed',
      issues: [expect.objectContaining({ file: 'workflows/echo.yaml', path: '/steps' })],
    });
  });

  it('refuses a folder with no pack.yaml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-empty-'));
    await expect(buildBundle(dir)).rejects.toMatchObject({ code: 'bundle_no_manifest' });
  });

  it('names a pack.yaml that is a folder or a FIFO, not "no pack.yaml here"', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cordum-manifest-folder-'));
    mkdirSync(join(folder, 'pack.yaml'));
    await expect(buildBundle(folder)).rejects.toMatchObject({ code: 'bundle_no_manifest',
      message: `${join(folder, 'pack.yaml')}: is a folder; expected the pack's manifest, a ` +
        'YAML file' });
    const fifo = mkdtempSync(join(tmpdir(), 'cordum-manifest-fifo-'));
    execFileSync('mkfifo', [join(fifo, 'pack.yaml')]);
    await expect(buildBundle(fifo)).rejects.toMatchObject({ code: 'bundle_special_file',
      message: `${join(fifo, 'pack.yaml')}: is not a regular file; expected the pack's ` +
        'manifest, a YAML file' });
  });

  it('refuses a pack.yaml that is a link, dangling or not, as a link', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-manifest-link-'));
    symlinkSync(join(dir, 'gone.yaml'), join(dir, 'pack.yaml'));
    await expect(buildBundle(dir)).rejects.toMatchObject({ code: 'bundle_link',
      message: 'pack.yaml: links are not allowed in a pack' });
  });
});

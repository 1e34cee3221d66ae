/**
 * readBundle against hostile and odd tarballs, each written by hand so the
 * bytes are exactly the attack: one case, one refusal code.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readBundle } from '../../packs/bundle/read.js';
import { readPackDir } from '../../packs/bundle/source.js';
import { DEFAULT_LIMITS, type BundleLimits } from '../../packs/bundle/limits.js';
import type { PackErrorCode } from '../../packs/errors.js';
import { REAL_PACKS } from './helpers/packs.js';
import { MINIMAL_MANIFEST, paxPath, tarOf, tgzOf, TYPE, type TarEntry } from './helpers/tar.js';

const manifest: TarEntry = { name: 'pack.yaml', body: MINIMAL_MANIFEST };
const withManifest = (...entries: TarEntry[]) => tgzOf([manifest, ...entries]);
const MiB = 1024 * 1024;
const HELLO = join(REAL_PACKS, 'hello-pack');

interface RefusalCase {
  name: string;
  tgz: () => Buffer;
  code: PackErrorCode;
  limits?: Partial<BundleLimits>;
}

const refusals: RefusalCase[] = [
  { name: 'an entry with ..', code: 'bundle_path_traversal',
    tgz: () => withManifest({ name: '../evil.sh', body: 'x' }) },
  { name: 'a .. in the middle of a path', code: 'bundle_path_traversal',
    tgz: () => withManifest({ name: 'workflows/../../evil.sh', body: 'x' }) },
  { name: 'a pax header that sets a .. path', code: 'bundle_path_traversal',
    tgz: () => withManifest(paxPath('../evil.sh'), { name: 'innocent.txt', body: 'x' }) },
  { name: 'a folder entry ../', code: 'bundle_path_traversal',
    tgz: () => withManifest({ name: '../', type: TYPE.directory }) },
  { name: 'an absolute path', code: 'bundle_path_absolute',
    tgz: () => withManifest({ name: '/etc/cron.d/evil', body: 'x' }) },
  { name: 'a Windows drive path', code: 'bundle_path_absolute',
    tgz: () => withManifest({ name: 'C:/evil', body: 'x' }) },
  { name: 'a pax header that sets an absolute path', code: 'bundle_path_absolute',
    tgz: () => withManifest(paxPath('/etc/evil'), { name: 'innocent.txt', body: 'x' }) },
  { name: 'the folder entry /', code: 'bundle_path_absolute',
    tgz: () => withManifest({ name: '/', type: TYPE.directory }) },
  { name: 'a symlink', code: 'bundle_link',
    tgz: () => withManifest({ name: 'passwd', type: TYPE.symlink, linkname: '/etc/passwd' }) },
  { name: 'a hardlink', code: 'bundle_link',
    tgz: () => withManifest({ name: 'again.yaml', type: TYPE.hardlink, linkname: 'pack.yaml' }) },
  { name: 'a character device', code: 'bundle_special_file',
    tgz: () => withManifest({ name: 'null', type: TYPE.charDevice }) },
  { name: 'a block device', code: 'bundle_special_file',
    tgz: () => withManifest({ name: 'sda', type: TYPE.blockDevice }) },
  { name: 'a FIFO', code: 'bundle_special_file',
    tgz: () => withManifest({ name: 'pipe', type: TYPE.fifo }) },
  // The parser skips these types unseen; GNU tar and Python unpack them as regular files.
  { name: 'a second pack.yaml typed as a sparse file (S)', code: 'bundle_special_file',
    tgz: () => withManifest({ name: 'pack.yaml', type: 'S', body: 'kind: Other\n' }) },
  { name: 'a second pack.yaml of an unknown type (Z)', code: 'bundle_special_file',
    tgz: () => withManifest({ name: 'pack.yaml', type: 'Z', body: 'kind: Other\n' }) },
  { name: 'a continuation-volume entry (M)', code: 'bundle_special_file',
    tgz: () => withManifest({ name: 'evil.sh', type: 'M', body: 'echo pwned\n' }) },
  { name: 'an entry of unknown type with ..', code: 'bundle_path_traversal',
    tgz: () => withManifest({ name: '../evil.sh', type: 'Z', body: 'x' }) },
  // GNU tar reads the body of a file named `notes/` as headers: a pack.yaml hidden there.
  { name: 'a contiguous file named as a folder', code: 'bundle_path_invalid',
    tgz: () => withManifest({ name: 'notes/', type: '7', body: tarOf([{ name: 'pack.yaml',
      body: 'kind: Other\n' }]).subarray(0, 1024) }) },
  // GNU tar and Python make a folder notes.txt and fail to open it; this reader kept a file.
  { name: 'a file named as a folder by a trailing /.', code: 'bundle_path_invalid',
    tgz: () => withManifest({ name: 'notes.txt/.', body: 'x' }) },
  // GNU tar run as root restores the bit and the owner (root) from the tarball.
  { name: 'a setuid file', code: 'bundle_special_file',
    tgz: () => withManifest({ name: 'run.sh', body: 'echo pwned\n', mode: 0o4755 }) },
  { name: 'a setgid file', code: 'bundle_special_file',
    tgz: () => withManifest({ name: 'run.sh', body: 'echo pwned\n', mode: 0o2755 }) },
  { name: 'a duplicate entry', code: 'bundle_duplicate_entry',
    tgz: () => withManifest({ name: 'pack.yaml', body: 'kind: Other\n' }) },
  { name: 'a duplicate spelled ./pack.yaml', code: 'bundle_duplicate_entry',
    tgz: () => withManifest({ name: './pack.yaml', body: 'kind: Other\n' }) },
  { name: 'a case-only duplicate', code: 'bundle_duplicate_entry',
    tgz: () => withManifest({ name: 'Pack.YAML', body: 'kind: Other\n' }) },
  { name: 'a file that is also a folder', code: 'bundle_duplicate_entry',
    tgz: () => withManifest({ name: 'schemas', body: 'x' },
      { name: 'schemas/In.json', body: '{}' }) },
  { name: 'a folder that is also a file', code: 'bundle_duplicate_entry',
    tgz: () => withManifest({ name: 'a/b/c.json', body: '{}' }, { name: 'a/b', body: 'x' }) },
  { name: 'a file that is a folder once case-folded', code: 'bundle_duplicate_entry',
    tgz: () => withManifest({ name: 'docs/x.md', body: 'x' }, { name: 'DOCS', body: 'x' }) },
  // No disk holds both: tar readers keep one or the other, or fail halfway.
  { name: 'a folder entry, then a file of its name', code: 'bundle_duplicate_entry',
    tgz: () => withManifest({ name: 'd/', type: TYPE.directory }, { name: 'd', body: 'x' }) },
  { name: 'a file, then a folder entry of its name in another case', code: 'bundle_duplicate_entry',
    tgz: () => withManifest({ name: 'd', body: 'x' }, { name: 'D/', type: TYPE.directory }) },
  { name: 'a file, then a folder entry below it', code: 'bundle_duplicate_entry',
    tgz: () => withManifest({ name: 'd', body: 'x' }, { name: 'd/e/', type: TYPE.directory }) },
  { name: 'too many files', code: 'bundle_too_many_files', limits: { maxFiles: 3 },
    tgz: () => withManifest(...['a', 'b', 'c'].map((n) => ({ name: `${n}.txt`, body: n }))) },
  { name: 'a file over maxFileBytes', code: 'bundle_file_too_large',
    limits: { maxFileBytes: 1000 },
    tgz: () => withManifest({ name: 'big.bin', body: Buffer.alloc(1001, 1) }) },
  { name: 'files adding up past maxTotalBytes', code: 'bundle_uncompressed_too_large',
    limits: { maxTotalBytes: 2000 },
    tgz: () => withManifest(...[1, 2, 3].map((n) => ({ name: `f${n}`,
      body: Buffer.alloc(700) }))) },
  { name: 'a gzip bomb of 50 MiB of zeros', code: 'bundle_ratio_exceeded',
    tgz: () => withManifest({ name: 'zeros.bin', body: Buffer.alloc(50 * MiB) }) },
  { name: 'a stream that expands past the total limit', code: 'bundle_uncompressed_too_large',
    limits: { maxTotalBytes: 4 * MiB, maxFiles: 8, maxRatio: 1e9 },
    tgz: () => withManifest({ name: 'zeros.bin', body: Buffer.alloc(8 * MiB) }) },
  { name: 'an upload over maxUploadBytes', code: 'bundle_too_large',
    limits: { maxUploadBytes: 64 },
    tgz: () => withManifest({ name: 'README.md', body: 'hello' }) },
  { name: 'a plain tar (not gzip)', code: 'bundle_corrupt',
    tgz: () => tarOf([manifest]) },
  { name: 'random bytes', code: 'bundle_corrupt',
    tgz: () => Buffer.from('PK\u0003\u0004 not a tarball at all') },
  { name: 'an empty buffer', code: 'bundle_corrupt', tgz: () => Buffer.alloc(0) },
  { name: 'truncated gzip', code: 'bundle_corrupt',
    tgz: () => withManifest().subarray(0, 30) },
  { name: 'gzip of bytes that are not tar', code: 'bundle_corrupt',
    tgz: () => gzipSync(Buffer.alloc(2048, 7)) },
  { name: 'a tar cut off inside an entry', code: 'bundle_corrupt',
    tgz: () => gzipSync(tarOf([{ name: 'pack.yaml', body: 'a'.repeat(3000) }]).subarray(0, 700)) },
  { name: 'a header whose size runs past the end', code: 'bundle_corrupt',
    tgz: () => tgzOf([{ name: 'pack.yaml', body: MINIMAL_MANIFEST, size: 5000 }]) },
  { name: 'no pack.yaml', code: 'bundle_no_manifest',
    tgz: () => tgzOf([{ name: 'README.md', body: 'hi' },
      { name: 'workflows/a.yaml', body: 'x' }]) },
  { name: 'pack.yaml two folders deep', code: 'bundle_no_manifest',
    tgz: () => tgzOf([{ name: 'repo/src/pack.yaml', body: MINIMAL_MANIFEST }]) },
  { name: 'two top-level folders with a pack each', code: 'bundle_no_manifest',
    tgz: () => tgzOf([{ name: 'a/pack.yaml', body: MINIMAL_MANIFEST },
      { name: 'b/pack.yaml', body: MINIMAL_MANIFEST }]) },
  { name: 'a name that is not valid UTF-8', code: 'bundle_path_invalid',
    tgz: () => withManifest({ name: Buffer.from([0x61, 0xff, 0xfe, 0x2e, 0x79]), body: 'x' }) },
  { name: 'a newline in a name', code: 'bundle_path_invalid',
    tgz: () => withManifest({ name: 'a\nb.yaml', body: 'x' }) },
  { name: 'a terminal escape in a name', code: 'bundle_path_invalid',
    tgz: () => withManifest({ name: 'a\u001b[2Jb.yaml', body: 'x' }) },
  { name: 'DEL in a name', code: 'bundle_path_invalid',
    tgz: () => withManifest({ name: 'a\u007fb.yaml', body: 'x' }) },
  // Names no disk holds: they published, then failed every install with ENAMETOOLONG.
  { name: 'a file name of 256 bytes', code: 'bundle_path_invalid',
    tgz: () => withManifest(paxPath(`docs/${'a'.repeat(253)}.md`), { name: 'x', body: 'x' }) },
  { name: 'a path of 769 bytes', code: 'bundle_path_invalid',
    tgz: () => withManifest(paxPath(`${'d/'.repeat(382)}xx.md`), { name: 'x', body: 'x' }) },
  { name: 'a backslash in a name', code: 'bundle_path_invalid',
    tgz: () => withManifest({ name: 'a\\..\\..\\evil', body: 'x' }) },
];

describe('readBundle refuses', () => {
  it.each(refusals)('$name ($code)', async ({ tgz, code, limits }) => {
    await expect(readBundle(tgz(), limits)).rejects.toMatchObject({ name: 'PackError', code });
  });

  it('takes a name of 255 bytes in a path of 768', async () => {
    const long = `${'dd/'.repeat(171)}${'a'.repeat(252)}.md`;
    expect(Buffer.byteLength(long)).toBe(768);
    const { files } = await readBundle(withManifest(paxPath(long), { name: 'x', body: 'x' }));
    expect(files.get(long)?.toString()).toBe('x');
  });

  it('says a type letter it does not know is unknown', async () => {
    await expect(readBundle(withManifest({ name: 'x.yaml', type: 'Z', body: 'x' }))).rejects
      .toMatchObject({ message: 'x.yaml: entry type of an unknown letter is not a regular file' });
  });

  it('names the offending entry in the message and details', async () => {
    const p = readBundle(withManifest({ name: 'sub/../../../etc/passwd', body: 'x' }));
    await expect(p).rejects.toMatchObject({
      code: 'bundle_path_traversal',
      message: expect.stringContaining('sub/../../../etc/passwd'),
      details: { entry: 'sub/../../../etc/passwd' },
    });
  });

  it('reports the limits it enforced', async () => {
    const big = withManifest({ name: 'big.bin', body: Buffer.alloc(2048, 1) });
    await expect(readBundle(big, { maxFileBytes: 1024 })).rejects.toMatchObject({
      code: 'bundle_file_too_large',
      details: { entry: 'big.bin', size: 2048, limit: 1024 },
    });
    await expect(readBundle(big, { maxUploadBytes: 10 })).rejects.toMatchObject({
      code: 'bundle_too_large',
      details: { size: big.length, limit: 10 },
    });
  });

  it('stops a gzip bomb long before it is fully inflated', async () => {
    // 1 GiB of zeros compresses to about 1 MiB; inflating it all would take seconds.
    const bomb = gzipSync(tarOf([manifest, { name: 'z', body: Buffer.alloc(256 * MiB) }]));
    const started = Date.now();
    await expect(readBundle(bomb)).rejects.toMatchObject({ code: 'bundle_ratio_exceeded' });
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe('readBundle accepts', () => {
  const files = (map: Map<string, Buffer>) =>
    Object.fromEntries([...map].map(([k, v]) => [k, v.toString('utf8')]));

  it('pack.yaml at the root, with folders and ./ prefixes', async () => {
    const { files: read } = await readBundle(tgzOf([
      { name: './', type: TYPE.directory },
      { name: './pack.yaml', body: MINIMAL_MANIFEST },
      { name: 'workflows/', type: TYPE.directory },
      { name: 'workflows/echo.yaml', body: 'id: tiny.echo\n' },
    ]));
    expect(files(read)).toEqual({
      'pack.yaml': MINIMAL_MANIFEST,
      'workflows/echo.yaml': 'id: tiny.echo\n',
    });
  });

  it('a single top-level folder (as npm pack makes)', async () => {
    const { files: read } = await readBundle(tgzOf([
      { name: 'tiny-1.0.0/', type: TYPE.directory },
      { name: 'tiny-1.0.0/pack.yaml', body: MINIMAL_MANIFEST },
      { name: 'tiny-1.0.0/schemas/In.json', body: '{}' },
    ]));
    expect(files(read)).toEqual({ 'pack.yaml': MINIMAL_MANIFEST, 'schemas/In.json': '{}' });
  });

  it('a pack/ folder inside a larger repository', async () => {
    const { files: read } = await readBundle(tgzOf([
      { name: 'README.md', body: '# repo' },
      { name: 'src/index.ts', body: 'export {};' },
      { name: 'pack/pack.yaml', body: MINIMAL_MANIFEST },
      { name: 'pack/overlays/policy.fragment.yaml', body: 'rules: []\n' },
    ]));
    expect(files(read)).toEqual({
      'pack.yaml': MINIMAL_MANIFEST,
      'overlays/policy.fragment.yaml': 'rules: []\n',
    });
  });

  it('bodies byte for byte, including binary and empty files', async () => {
    const binary = Buffer.from([0, 1, 2, 255, 254, 0x1f, 0x8b]);
    const { files: read } = await readBundle(withManifest(
      { name: 'bin/blob', body: binary },
      { name: 'empty', body: '' },
      { name: 'exactly-512', body: Buffer.alloc(512, 0x41) },
    ));
    expect(read.get('bin/blob')).toEqual(binary);
    expect(read.get('empty')).toEqual(Buffer.alloc(0));
    expect(read.get('exactly-512')).toEqual(Buffer.alloc(512, 0x41));
    expect([...read.keys()].sort()).toEqual(['bin/blob', 'empty', 'exactly-512', 'pack.yaml']);
  });

  it('exactly at each limit', async () => {
    const tgz = withManifest({ name: 'a', body: Buffer.alloc(100) });
    const total = MINIMAL_MANIFEST.length + 100;
    const limits = { maxFiles: 2, maxFileBytes: 100 + MINIMAL_MANIFEST.length,
      maxTotalBytes: total, maxUploadBytes: tgz.length };
    const { files: read } = await readBundle(tgz, limits);
    expect(read.size).toBe(2);
  });

  it('non-ASCII UTF-8 names', async () => {
    const tgz = withManifest({ name: 'docs/café-ü.md', body: 'x' });
    const { files: read } = await readBundle(tgz);
    expect(read.has('docs/café-ü.md')).toBe(true);
  });

  it.each([
    ['tar -C DIR .', ['.']],
    ['tar -C PARENT hello-pack', ['hello-pack']],
  ])('what GNU tar makes with %s', async (_label, args) => {
    const out = join(mkdtempSync(join(tmpdir(), 'cordum-gnutar-')), 'pack.tgz');
    const cwd = args[0] === '.' ? HELLO : dirname(HELLO);
    execFileSync('tar', ['-czf', out, '-C', cwd, ...args]);
    const { files: read } = await readBundle(readFileSync(out));
    expect(files(read)).toEqual(files(readPackDir(HELLO).files));
  });

  it('with the defaults of the Cordum gateway', () => {
    expect(DEFAULT_LIMITS).toEqual({ maxUploadBytes: 64 * MiB, maxFiles: 2048,
      maxFileBytes: 32 * MiB, maxTotalBytes: 256 * MiB, maxRatio: 200 });
  });
});

/**
 * Each hostile or broken bundle, sent through a real publish, is refused
 * with its own code before anything is stored: no row, no blob, no temp file.
 * Some are hostile in their framing (bytes other tar readers see but ours
 * would skip), in two spellings of one name, or in a `requires_packs` entry
 * no install could resolve.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { MINIMAL_MANIFEST, TYPE, tarOf, tgzOf, type TarEntry } from '../packs/helpers/tar.js';
import type { KeyPair } from '../../packs/signing/keys.js';
import { signTarball } from '../../packs/signing/sign.js';
import {
  blobFiles,
  registeredKey,
  startTestRegistry,
  versionRows,
  type TestRegistry,
} from './helpers.js';

const manifest: TarEntry = { name: 'pack.yaml', body: MINIMAL_MANIFEST };
const bomb = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  ...Array.from(
    { length: 8 },
    (_, i) =>
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
        .fill(`*${String.fromCharCode(97 + i)}`)
        .join(',')}]`,
  ),
].join('\n');

const CASES: { name: string; entries: TarEntry[]; code: string }[] = [
  {
    name: 'a .. entry',
    code: 'bundle_path_traversal',
    entries: [manifest, { name: 'a/../../x', body: 'x' }],
  },
  {
    name: 'an absolute path',
    code: 'bundle_path_absolute',
    entries: [manifest, { name: '/etc/cron.d/x', body: 'x' }],
  },
  {
    name: 'a symlink',
    code: 'bundle_link',
    entries: [manifest, { name: 'link', type: TYPE.symlink, linkname: '/etc/passwd' }],
  },
  {
    name: 'a hardlink',
    code: 'bundle_link',
    entries: [manifest, { name: 'hard', type: TYPE.hardlink, linkname: 'pack.yaml' }],
  },
  {
    name: 'a device file',
    code: 'bundle_special_file',
    entries: [manifest, { name: 'dev', type: TYPE.charDevice }],
  },
  {
    name: 'a duplicate entry',
    code: 'bundle_duplicate_entry',
    entries: [manifest, { name: 'pack.yaml', body: MINIMAL_MANIFEST }],
  },
  {
    name: 'a YAML alias bomb',
    code: 'yaml_alias_limit',
    entries: [
      { name: 'pack.yaml', body: `${MINIMAL_MANIFEST}x:\n  ${bomb.replace(/\n/g, '\n  ')}\n` },
    ],
  },
  {
    name: 'a missing field',
    code: 'validation_failed',
    entries: [{ name: 'pack.yaml', body: MINIMAL_MANIFEST.replace('  id: tiny\n', '') }],
  },
  {
    name: 'a malformed field',
    code: 'validation_failed',
    entries: [{ name: 'pack.yaml', body: MINIMAL_MANIFEST.replace('id: tiny', 'id: Tiny_Pack') }],
  },
  {
    name: 'an invalid semver',
    code: 'validation_failed',
    entries: [{ name: 'pack.yaml', body: MINIMAL_MANIFEST.replace('1.0.0', '1.0') }],
  },
  {
    name: 'too many files',
    code: 'bundle_too_many_files',
    entries: [manifest, ...Array.from({ length: 2100 }, (_, i) => ({ name: `f/${i}`, body: '' }))],
  },
];

const extra: TarEntry = { name: 'extra.txt', body: 'smuggled\n' };
const withoutMarker = (tar: Buffer) => tar.subarray(0, tar.length - 1024);
const REQUIRES = 'requires_packs:\n  - "deplib@stable"\n  - "../../etc"\n  - "Deplib"\n';
const UNRESOLVABLE = () => tgzOf([{ name: 'pack.yaml', body: `${MINIMAL_MANIFEST}${REQUIRES}` }]);

const ALL: { name: string; tgz: () => Buffer; code: string }[] = [
  ...CASES.map(({ name, entries, code }) => ({ name, code, tgz: () => tgzOf(entries) })),
  { name: 'a second archive after the end marker', code: 'bundle_corrupt',
    tgz: () => gzipSync(Buffer.concat([tarOf([manifest]), tarOf([extra])])) },
  { name: 'a lone zero block before extra.txt', code: 'bundle_corrupt',
    tgz: () => gzipSync(Buffer.concat([withoutMarker(tarOf([manifest])), Buffer.alloc(512),
      tarOf([extra])])) },
  { name: 'NFC and NFD spellings of docs/café.txt', code: 'bundle_duplicate_entry',
    tgz: () => tgzOf([manifest, { name: 'docs/caf\u00e9.txt', body: 'a' },
      { name: 'docs/cafe\u0301.txt', body: 'b' }]) },
  { name: 'requires_packs entries no install could resolve', code: 'validation_failed',
    tgz: UNRESOLVABLE },
];

describe.each(backends())('hostile publishes ($name)', (backend) => {
  let reg: TestRegistry;
  let key: KeyPair;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    key = await registeredKey(reg);
  });
  afterAll(async () => {
    await reg?.close();
  });

  it.each(ALL)('refuses $name with $code and stores nothing', async ({ tgz, code }) => {
    const tarball = tgz();
    await expect(reg.admin.publish(tarball, signTarball(tarball, key.privatePem))).rejects
      .toMatchObject({ code });
    expect(await versionRows(reg)).toEqual([]);
    expect(blobFiles(reg)).toEqual([]);
    expect(await reg.blobs.tempFiles()).toEqual([]);
  });

  it('names each requires_packs entry by its path', async () => {
    const tarball = UNRESOLVABLE();
    await expect(reg.admin.publish(tarball, signTarball(tarball, key.privatePem))).rejects
      .toMatchObject({ issues: [
        expect.objectContaining({ path: '/requires_packs/0' }),
        expect.objectContaining({ path: '/requires_packs/1' }),
        expect.objectContaining({ path: '/requires_packs/2' }),
      ] });
  });
});

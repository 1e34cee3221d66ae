/**
 * Through a real publish: a tarball with bytes other tar readers see but
 * ours skipped, two spellings of one name, or a `requires_packs` entry no
 * install could resolve, is refused before anything is stored.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyPair } from '../../packs/signing/keys.js';
import { signTarball } from '../../packs/signing/sign.js';
import { backends } from '../helpers/databases.js';
import { MINIMAL_MANIFEST, tarOf, tgzOf, type TarEntry } from '../packs/helpers/tar.js';
import {
  blobFiles, registeredKey, startTestRegistry, versionRows, type TestRegistry,
} from './helpers.js';

const manifest: TarEntry = { name: 'pack.yaml', body: MINIMAL_MANIFEST };
const extra: TarEntry = { name: 'extra.txt', body: 'smuggled\n' };
const withoutMarker = (tar: Buffer) => tar.subarray(0, tar.length - 1024);

const CASES: { name: string; tgz: () => Buffer; code: string }[] = [
  { name: 'a second archive after the end marker', code: 'bundle_corrupt',
    tgz: () => gzipSync(Buffer.concat([tarOf([manifest]), tarOf([extra])])) },
  { name: 'a lone zero block before extra.txt', code: 'bundle_corrupt',
    tgz: () => gzipSync(Buffer.concat([withoutMarker(tarOf([manifest])), Buffer.alloc(512),
      tarOf([extra])])) },
  { name: 'NFC and NFD spellings of docs/café.txt', code: 'bundle_duplicate_entry',
    tgz: () => tgzOf([manifest, { name: 'docs/caf\u00e9.txt', body: 'a' },
      { name: 'docs/cafe\u0301.txt', body: 'b' }]) },
  { name: 'requires_packs entries no install could resolve', code: 'validation_failed',
    tgz: () => tgzOf([{ name: 'pack.yaml', body: `${MINIMAL_MANIFEST}requires_packs:\n` +
      '  - "deplib@stable"\n  - "../../etc"\n  - "Deplib"\n' }]) },
];

describe.each(backends())('publishes of bytes no one checked ($name)', (backend) => {
  let reg: TestRegistry;
  let key: KeyPair;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    key = await registeredKey(reg);
  });
  afterAll(async () => {
    await reg?.close();
  });

  it.each(CASES)('refuses $name with $code and stores nothing', async ({ tgz, code }) => {
    const tarball = tgz();
    await expect(reg.admin.publish(tarball, signTarball(tarball, key.privatePem))).rejects
      .toMatchObject({ code });
    expect(await versionRows(reg)).toEqual([]);
    expect(blobFiles(reg)).toEqual([]);
    expect(await reg.blobs.tempFiles()).toEqual([]);
  });

  it('names each requires_packs entry by its path', async () => {
    const tarball = CASES[3]!.tgz();
    await expect(reg.admin.publish(tarball, signTarball(tarball, key.privatePem))).rejects
      .toMatchObject({ issues: [
        expect.objectContaining({ path: '/requires_packs/0' }),
        expect.objectContaining({ path: '/requires_packs/1' }),
        expect.objectContaining({ path: '/requires_packs/2' }),
      ] });
  });
});

/**
 * Every pack a registry accepts installs through its npm package too: the
 * npm reader allows the pack limits plus what the npm wrapping adds (three
 * files, the embedded tarball's bytes), and a pack file named like one of
 * the wrapping's own, in any case, is left out of the unpacked copy rather
 * than breaking the package.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundle } from '../../packs/bundle/read.js';
import { DEFAULT_LIMITS, type BundleLimits } from '../../packs/bundle/limits.js';
import { sha256Hex } from '../../packs/digest.js';
import { installPacks } from '../../packs/install.js';
import { layout } from '../../packs/lock.js';
import { NpmClient } from '../../packs/npm/client.js';
import { buildNpmPackage } from '../../packs/npm/package.js';
import { readNpmPackage } from '../../packs/npm/read.js';
import { NpmInstallSource } from '../../packs/npm/source.js';
import { tarballOf } from '../../packs/npm/tarball.js';
import { generateKeyPair, type KeyPair } from '../../packs/signing/keys.js';
import { signTarball } from '../../packs/signing/sign.js';
import { pgliteBackend } from '../helpers/databases.js';
import { renamedPack } from '../packs/helpers/renamed.js';
import {
  ADMIN_TOKEN, registeredKey, startTestRegistry, type TestRegistry,
} from '../registry/helpers.js';

/** hello-pack has 7 files: 2,041 more is the gateway's limit of 2,048 exactly. */
const EXTRA = DEFAULT_LIMITS.maxFiles - 7;
const manyFiles = Object.fromEntries(Array.from({ length: EXTRA }, (_, i) =>
  [`docs/note-${String(i).padStart(4, '0')}.md`, `note ${i}\n`]));

describe('npm packages of packs at the limits', () => {
  const key = generateKeyPair();

  it('reads back a pack with as many files as the pack limit allows', async () => {
    const pack = await renamedPack('wide', '1.0.0', key, { files: manyFiles });
    expect((await readBundle(pack.tgz)).files.size).toBe(DEFAULT_LIMITS.maxFiles);
    const pkg = await buildNpmPackage(pack.tgz, pack.bundle);
    expect(pkg.fileCount).toBe(DEFAULT_LIMITS.maxFiles + 3);
    const back = await readNpmPackage(pkg.tgz, 'wide');
    expect(back.packTgz.equals(pack.tgz)).toBe(true);
  });

  it('reads back a pack at the size limits', async () => {
    // Incompressible files: the pack's tarball is as large as its files, near the
    // upload limit, and so is the one file cordum.pack.tgz of the npm package.
    const limits: BundleLimits = { maxUploadBytes: 512 * 1024, maxFiles: 12,
      maxFileBytes: 256 * 1024, maxTotalBytes: 520 * 1024, maxRatio: 200 };
    const files = { 'data/a.bin': randomBytes(250 * 1024), 'data/b.bin': randomBytes(250 * 1024) };
    const pack = await renamedPack('heavy', '1.0.0', key, { files });
    expect(pack.tgz.length).toBeGreaterThan(limits.maxFileBytes);
    await readBundle(pack.tgz, limits);
    const pkg = await buildNpmPackage(pack.tgz, pack.bundle);
    const back = await readNpmPackage(pkg.tgz, 'heavy', limits);
    expect(back.packTgz.equals(pack.tgz)).toBe(true);
  });

  it('reads back a pack whose tarball is larger than one file may be', async () => {
    const big = 20 * 1024 * 1024;
    const files = { 'data/a.bin': randomBytes(big), 'data/b.bin': randomBytes(big) };
    const pack = await renamedPack('bulky', '1.0.0', key, { files });
    expect(pack.tgz.length).toBeGreaterThan(DEFAULT_LIMITS.maxFileBytes);
    const pkg = await buildNpmPackage(pack.tgz, pack.bundle);
    const back = await readNpmPackage(pkg.tgz, 'bulky');
    expect(sha256Hex(back.packTgz)).toBe(sha256Hex(pack.tgz));
  }, 60_000);

  it.each([
    ['Package.json'], ['PACKAGE.JSON'], ['Cordum.Pack.tgz'], ['cordum.sigstore.JSON'],
    ['package.json'], ['Package.json/readme.md'], ['CORDUM.PACK.TGZ/notes.md'],
    ['pac\u212Aage.json'],
  ])('leaves %s out of the unpacked copy, keeping it in the signed tarball', async (name) => {
    // Made by hand: `pack build` leaves *.tgz out of a pack, a registry need not.
    const base = await renamedPack('clash', '1.0.0', key);
    const files = new Map((await readBundle(base.tgz)).files);
    files.set(name, Buffer.from('{"x":1}\n'));
    const tgz = await tarballOf(files, 'clash');
    const pkg = await buildNpmPackage(tgz, signTarball(tgz, key.privatePem));
    expect(pkg.omitted).toEqual([name]);
    const back = await readNpmPackage(pkg.tgz, 'clash');
    expect((await readBundle(back.packTgz)).files.get(name)?.toString()).toBe('{"x":1}\n');
  });
});

describe('install through the npm view of a registry', () => {
  let reg: TestRegistry;
  let key: KeyPair;
  let source: NpmInstallSource;
  const projects: string[] = [];

  beforeAll(async () => {
    reg = await startTestRegistry(pgliteBackend);
    key = await registeredKey(reg);
    source = new NpmInstallSource(new NpmClient({ url: `${reg.url}/npm/`, token: ADMIN_TOKEN }),
      { describe: 'the test registry', getKey: (id) => reg.admin.getKey(id) });
  });
  afterAll(async () => {
    await reg?.close();
    for (const dir of projects) rmSync(dir, { recursive: true, force: true });
  });

  const install = async (spec: string) => {
    const project = mkdtempSync(join(tmpdir(), 'cordum-npm-limits-'));
    projects.push(project);
    const result = await installPacks({ registry: source, project, specs: [spec] });
    return { project, result };
  };

  it('installs a pack with as many files as the pack limit allows', async () => {
    const pack = await renamedPack('wide', '1.0.0', key, { files: manyFiles });
    await reg.admin.publish(pack.tgz, pack.bundle);
    const { result } = await install('wide@1.0.0');
    expect(result.installed.map((p) => p.sha256)).toEqual([sha256Hex(pack.tgz)]);
  });

  it('installs a pack holding Package.json, which the registry accepts', async () => {
    const pack = await renamedPack('cased', '1.0.0', key,
      { files: { 'Package.json': '{"name":"mine"}\n' } });
    await reg.admin.publish(pack.tgz, pack.bundle);
    const { project, result } = await install('cased@^1');
    expect(result.installed.map((p) => p.version)).toEqual(['1.0.0']);
    const installed = join(layout.unpacked(project, 'cased'), 'Package.json');
    expect(existsSync(installed)).toBe(true);
    expect(readFileSync(installed, 'utf8')).toBe('{"name":"mine"}\n');
  });
});

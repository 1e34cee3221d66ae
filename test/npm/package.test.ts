/**
 * A signed pack as an npm package: deterministic bytes, the npm layout
 * (`package/` with package.json, the pack's files, the signed tarball and
 * its bundle), and reading it back with every member checked.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Parser } from 'tar';
import { describe, expect, it } from 'vitest';
import { buildBundle } from '../../packs/bundle/build.js';
import { writePackFiles } from '../../packs/bundle/extract.js';
import { readBundle } from '../../packs/bundle/read.js';
import { sha256Hex } from '../../packs/digest.js';
import { matchesSha512, sha1Hex } from '../../packs/npm/integrity.js';
import { buildNpmPackage } from '../../packs/npm/package.js';
import { cordumFieldOf, readNpmPackage } from '../../packs/npm/read.js';
import { tarballOf } from '../../packs/npm/tarball.js';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { signedPack as signedFixture } from './fixtures.js';

const key = generateKeyPair();

async function entryNames(tgz: Buffer): Promise<string[]> {
  const names: string[] = [];
  await new Promise<void>((done, fail) => {
    const parser = new Parser({ onReadEntry: (e) => { names.push(e.path); e.resume(); } });
    parser.on('end', () => done());
    parser.on('error', fail);
    parser.end(gunzipSync(tgz));
  });
  return names;
}

describe('npm package of a pack', () => {
  it('lays the pack out as npm does, with the signed tarball and bundle beside it', async () => {
    const pack = await signedFixture('hello-pack', key);
    const pkg = await buildNpmPackage(pack.tgz, pack.bundle);

    expect(await entryNames(pkg.tgz)).toEqual([
      'package/cordum.pack.tgz', 'package/cordum.sigstore.json',
      'package/overlays/policy.fragment.yaml',
      'package/overlays/pools.patch.yaml', 'package/overlays/timeouts.patch.yaml',
      'package/pack.yaml', 'package/package.json', 'package/schemas/HelloInput.json',
      'package/schemas/HelloOutput.json', 'package/workflows/echo.yaml',
    ]);
    expect(pkg.manifest).toEqual({
      name: '@cordum-packs/hello-pack',
      version: '0.1.0',
      description: 'Minimal pack that echoes workflow input.',
      keywords: ['cordum-pack', 'hello.echo'],
      cordum: { format: 1, id: 'hello-pack', version: '0.1.0', sha256: sha256Hex(pack.tgz),
        key_id: key.keyId, pack: 'cordum.pack.tgz', signature: 'cordum.sigstore.json' },
    });
    expect(pkg.integrity).toBe(`sha512-${createHash('sha512').update(pkg.tgz).digest('base64')}`);
    expect(pkg.shasum).toBe(sha1Hex(pkg.tgz));
    expect(pkg.fileCount).toBe(10);
  });

  it('gives the same bytes every time', async () => {
    const pack = await signedFixture('github', key);
    const a = await buildNpmPackage(pack.tgz, pack.bundle);
    const b = await buildNpmPackage(pack.tgz, pack.bundle);
    expect(b.tgz.equals(a.tgz)).toBe(true);
    expect(b.integrity).toBe(a.integrity);
  });

  it('reads back to the exact signed tarball, and the pack reader sees the pack', async () => {
    const pack = await signedFixture('slack', key);
    const pkg = await buildNpmPackage(pack.tgz, pack.bundle);
    const back = await readNpmPackage(pkg.tgz, 'slack');
    expect(back.packTgz.equals(pack.tgz)).toBe(true);
    expect(back.bundle).toEqual(pack.bundle);
    expect(back.cordum.sha256).toBe(sha256Hex(pack.tgz));
    // readBundle takes the single top-level `package/` folder as the pack root.
    const files = await readBundle(pkg.tgz);
    expect(files.files.get('pack.yaml')?.toString()).toContain('id: slack');
  });

  it('refuses a package without its signature or pack member', async () => {
    const pack = await signedFixture('hello-pack', key);
    const { files } = await readBundle(pack.tgz);
    const manifest = { name: '@cordum-packs/hello-pack', version: '0.1.0', cordum: {
      format: 1, id: 'hello-pack', version: '0.1.0', sha256: sha256Hex(pack.tgz), key_id: 'k' } };
    const withPack = new Map(files);
    withPack.set('package.json', Buffer.from(JSON.stringify(manifest)));
    withPack.set('cordum.pack.tgz', pack.tgz);
    await expect(readNpmPackage(await tarballOf(withPack, 'package'), 'x'))
      .rejects.toMatchObject({ code: 'signature_missing' });
    const noPack = new Map(files);
    noPack.set('package.json', Buffer.from(JSON.stringify(manifest)));
    await expect(readNpmPackage(await tarballOf(noPack, 'package'), 'x'))
      .rejects.toMatchObject({ code: 'npm_package_invalid',
        message: 'x: the package has no cordum.pack.tgz' });
  });

  it('leaves a pack file named like one the npm package needs out of the unpacked copy',
    async () => {
      const pack = await signedFixture('hello-pack', key);
      const { files } = await readBundle(pack.tgz);
      files.set('package.json', Buffer.from('{}'));
      const dir = join(mkdtempSync(join(tmpdir(), 'cordum-npm-clash-')), 'p');
      writePackFiles({ files }, dir);
      const built = await buildBundle(dir).finally(() => rmSync(dir, { recursive: true }));
      const pkg = await buildNpmPackage(built.tgz, pack.bundle);
      expect(pkg.omitted).toEqual(['package.json']);
      const back = await readNpmPackage(pkg.tgz, 'hello-pack');
      expect(back.packageJson.name).toBe('@cordum-packs/hello-pack');
      expect(back.packTgz.equals(built.tgz)).toBe(true);
    });

  it('checks the cordum field', () => {
    expect(() => cordumFieldOf({}, 'p')).toThrow(/has no `cordum` field/);
    expect(() => cordumFieldOf({ cordum: { format: 1, id: 'a', version: '1.0.0', sha256: 'xyz',
      key_id: 'k' } }, 'p')).toThrow(/64 hex digits/);
    expect(() => cordumFieldOf({ cordum: { format: 2, id: 'a', version: '1.0.0',
      sha256: '0'.repeat(64), key_id: 'k' } }, 'p')).toThrow(/format 2 is not supported/);
  });

  it('matches sha512 integrity strings, and says when there is none', () => {
    const data = Buffer.from('pack');
    const sri = `sha512-${createHash('sha512').update(data).digest('base64')}`;
    expect(matchesSha512(data, `sha1-abc ${sri}`)).toBe(true);
    expect(matchesSha512(Buffer.from('other'), sri)).toBe(false);
    expect(matchesSha512(data, 'sha1-abc')).toBeUndefined();
  });
});

/**
 * `installPacks` writes every pack's files aside before it changes any: a
 * pack that cannot be written (here a path past the file system's limit
 * under a deep project) leaves no other pack's folder, tarball or lock
 * entry behind, and one whose tarball cannot be written leaves every pack
 * installed before as it was.
 */
import {
  existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../packs/digest.js';
import { installPacks, type InstallRegistry } from '../../packs/install.js';
import { LOCK_FILE } from '../../packs/lock.js';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { renamedPack, type RenamedPack } from './helpers/renamed.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A registry of signed packs in memory, each at its only version. */
function registryOf(packs: RenamedPack[], publicPem: string, keyId: string): InstallRegistry {
  const find = (id: string) => packs.find((p) => p.id === id)!;
  const view = (p: RenamedPack) => ({ id: p.id, version: p.version, sha256: sha256Hex(p.tgz),
    key_id: keyId, tarball_url: `mem:${p.id}/tarball`, bundle_url: `mem:${p.id}/bundle` });
  return {
    resolve: async (id) => view(find(id)),
    getVersion: async (id) => view(find(id)),
    fetchBytes: async (url) => {
      const [, id, what] = /^mem:(.+)\/(tarball|bundle)$/.exec(url)!;
      const p = find(id!);
      return what === 'tarball' ? p.tgz : Buffer.from(JSON.stringify(p.bundle));
    },
    getKey: async () => ({ key_id: keyId, public_key: publicPem }),
  };
}

describe('installPacks of several packs, one of which cannot be written', () => {
  it('changes nothing in the project', async () => {
    const key = generateKeyPair();
    const deepName = `docs/${`${'d'.repeat(99)}/`.repeat(6)}x.md`;
    const packs = [await renamedPack('short', '1.0.0', key),
      await renamedPack('deep', '1.0.0', key, { files: { [deepName]: 'x' } })];
    const base = mkdtempSync(join(tmpdir(), 'cordum-install-atomic-'));
    dirs.push(base);
    // Deep enough that deep's file passes PATH_MAX (4,096 bytes) under .cordum/packs.
    const project = join(base, ...Array.from({ length: 18 }, () => 'p'.repeat(200)));
    mkdirSync(project, { recursive: true });

    await expect(installPacks({ registry: registryOf(packs, key.publicPem, key.keyId),
      project, specs: ['short', 'deep'] })).rejects.toMatchObject({ code: 'ENAMETOOLONG' });
    const left = existsSync(join(project, '.cordum', 'packs'))
      ? readdirSync(join(project, '.cordum', 'packs')) : [];
    expect(left).toEqual([]);
    expect(existsSync(join(project, LOCK_FILE))).toBe(false);
  });
});

describe('installPacks of several packs, one of whose tarballs cannot be written', () => {
  it('leaves the packs installed before as they were, matching cordum.lock', async () => {
    const key = generateKeyPair();
    const project = mkdtempSync(join(tmpdir(), 'cordum-install-swap-'));
    dirs.push(project);
    const v1 = await renamedPack('short', '1.0.0', key);
    await installPacks({ registry: registryOf([v1], key.publicPem, key.keyId), project,
      specs: ['short'] });
    const lockBefore = readFileSync(join(project, LOCK_FILE), 'utf8');
    const installed = join(project, '.cordum', 'packs', 'short', 'pack.yaml');
    const manifestBefore = readFileSync(installed, 'utf8');
    expect(manifestBefore).toMatch(/version: 1\.0\.0/);

    // A folder where other's tarball goes: its write fails after short's was written.
    mkdirSync(join(project, '.cordum', 'packs', 'other-1.0.0.tgz'));
    const next = [await renamedPack('short', '2.0.0', key),
      await renamedPack('other', '1.0.0', key)];
    await expect(installPacks({ registry: registryOf(next, key.publicPem, key.keyId), project,
      specs: ['short', 'other'] })).rejects.toMatchObject({ code: 'EISDIR' });

    expect(readFileSync(installed, 'utf8')).toBe(manifestBefore);
    expect(readFileSync(join(project, LOCK_FILE), 'utf8')).toBe(lockBefore);
    expect(existsSync(join(project, '.cordum', 'packs', 'other'))).toBe(false);
    expect(readdirSync(join(project, '.cordum', 'packs')).sort()).toEqual(['other-1.0.0.tgz',
      'short', 'short-1.0.0.tgz', 'short-1.0.0.tgz.sigstore.json']);
  });
});

describe('installPacks whose new cordum.lock cannot be written', () => {
  it('leaves the packs installed before as they were, and no new tarball', async () => {
    const key = generateKeyPair();
    const project = mkdtempSync(join(tmpdir(), 'cordum-install-lock-'));
    dirs.push(project);
    await installPacks({ registry: registryOf([await renamedPack('short', '1.0.0', key)],
      key.publicPem, key.keyId), project, specs: ['short'] });
    const lockBefore = readFileSync(join(project, LOCK_FILE), 'utf8');
    const installed = join(project, '.cordum', 'packs', 'short', 'pack.yaml');
    const manifestBefore = readFileSync(installed, 'utf8');

    // A folder where this process writes the new lock before renaming it into place.
    mkdirSync(join(project, `${LOCK_FILE}.tmp-${process.pid}`));
    const v2 = await renamedPack('short', '2.0.0', key);
    await expect(installPacks({ registry: registryOf([v2], key.publicPem, key.keyId), project,
      specs: ['short'] })).rejects.toMatchObject({ code: 'EISDIR' });

    expect(readFileSync(installed, 'utf8')).toBe(manifestBefore);
    expect(readFileSync(join(project, LOCK_FILE), 'utf8')).toBe(lockBefore);
    expect(readdirSync(join(project, '.cordum', 'packs')).sort()).toEqual(['short',
      'short-1.0.0.tgz', 'short-1.0.0.tgz.sigstore.json']);
  });
});

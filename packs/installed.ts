/**
 * Loads the packs a project's lock pins, re-checking each tarball's digest
 * and signature first: what runs is exactly what was installed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readBundle } from './bundle/read.js';
import { parseJson } from './documents.js';
import { PackError } from './errors.js';
import { loadPack, type LoadedPack } from './load.js';
import { buildSnapshot } from './policy/snapshot.js';
import type { PolicySnapshot } from './policy/types.js';
import { layout, readLock, LOCK_FILE } from './lock.js';
import { sha256Hex } from './digest.js';
import { verifyTarball } from './signing/verify.js';

export interface InstalledPack {
  id: string;
  version: string;
  sha256: string;
  keyId: string;
  pack: LoadedPack;
}

export async function loadInstalledPacks(project: string): Promise<InstalledPack[]> {
  const lock = readLock(project);
  if (!lock) {
    throw new PackError('lock_invalid', `${project}: no ${LOCK_FILE}; run cordum pack install`);
  }
  const out: InstalledPack[] = [];
  for (const [id, entry] of Object.entries(lock.packs)) {
    const tgzPath = layout.tarball(project, id, entry.version);
    if (!existsSync(tgzPath)) {
      throw new PackError('lock_mismatch', `${id}@${entry.version}: ${tgzPath} is missing; run ` +
        'cordum pack install');
    }
    const tgz = readFileSync(tgzPath);
    const actual = sha256Hex(tgz);
    if (actual !== entry.sha256) {
      throw new PackError('digest_mismatch', `${id}@${entry.version}: ${tgzPath} has sha256 ${
        actual}, the lock says ${entry.sha256}`, { details: { expected: entry.sha256, actual } });
    }
    const bundlePath = layout.bundle(project, id, entry.version);
    const bundle = parseJson(readFileSync(bundlePath, 'utf8'), bundlePath);
    const keyPath = layout.key(project, entry.key_id);
    const verified = verifyTarball(tgz, bundle, (keyId) =>
      keyId === entry.key_id && existsSync(keyPath) ? readFileSync(keyPath, 'utf8') : undefined);
    const pack = loadPack(await readBundle(tgz));
    // The lock names what runs: a tarball of another pack under its name is refused.
    const { id: realId, version: realVersion } = pack.manifest.metadata;
    if (realId !== id || realVersion !== entry.version) {
      throw new PackError('lock_mismatch', `${id}@${entry.version}: ${tgzPath} holds ` +
        `${realId}@${realVersion}; run cordum pack install`,
      { details: { expected: `${id}@${entry.version}`, actual: `${realId}@${realVersion}` } });
    }
    out.push({ id, version: entry.version, sha256: actual, keyId: verified.keyId, pack });
  }
  return out;
}

/** The merged policy snapshot of installed packs, as `engine run` and `serve` decide with. */
export function snapshotOfInstalled(installed: InstalledPack[]): PolicySnapshot {
  return buildSnapshot(installed.flatMap((p) => p.pack.fragments.map((f) => ({
    packId: p.id, version: p.version, fragment: f.fragment }))));
}

/**
 * A project with packs installed the way `cordum pack install` leaves them:
 * signed tarballs, their bundles and the signer's key under `.cordum/`, and
 * a `cordum.lock` pinning each digest, so `loadInstalledPacks` verifies them.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { buildBundle } from '../../packs/bundle/build.js';
import { writePackFiles } from '../../packs/bundle/extract.js';
import { readBundle } from '../../packs/bundle/read.js';
import { sha256Hex } from '../../packs/digest.js';
import { layout, writeLock, type Lockfile } from '../../packs/lock.js';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { signTarball } from '../../packs/signing/sign.js';

/** The real packs written elsewhere (test/helpers/real_packs.ts). */
export { REAL_PACKS } from '../helpers/real_packs.js';
export const EXAMPLE_PACKS = resolve('examples', 'packs');

export async function installedProject(packDirs: string[]): Promise<string> {
  const project = mkdtempSync(join(tmpdir(), 'cordum-project-'));
  const key = generateKeyPair();
  const lock: Lockfile = { lockfileVersion: 1, packs: {} };
  for (const dir of packDirs) {
    const { tgz, pack } = await buildBundle(dir);
    const { id, version } = pack.manifest.metadata;
    write(layout.tarball(project, id, version), tgz);
    write(layout.bundle(project, id, version), JSON.stringify(signTarball(tgz, key.privatePem)));
    write(layout.key(project, key.keyId), key.publicPem);
    writePackFiles(await readBundle(tgz), layout.unpacked(project, id));
    lock.packs[id] = {
      version,
      sha256: sha256Hex(tgz),
      key_id: key.keyId,
      source: `file://${dir}`,
    };
  }
  writeLock(project, lock);
  return project;
}

function write(path: string, data: Buffer | string) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}

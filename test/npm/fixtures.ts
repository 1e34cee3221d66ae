/** Signed tarballs of the real fixture packs, made with packs/ alone. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundle } from '../../packs/bundle/build.js';
import type { KeyPair } from '../../packs/signing/keys.js';
import { signTarball } from '../../packs/signing/sign.js';
import { SHARED_PACKS } from '../helpers/cli.js';

export interface SignedPack {
  id: string;
  version: string;
  tgz: Buffer;
  bundle: object;
}

/** Fixture pack `name` (at `version` when given), built and signed with `key`. */
export async function signedPack(name: string, key: KeyPair, version?: string)
  : Promise<SignedPack> {
  const work = mkdtempSync(join(tmpdir(), 'cordum-npm-pack-'));
  const dir = join(work, name);
  cpSync(join(SHARED_PACKS, name), dir, { recursive: true });
  if (version) {
    const path = join(dir, 'pack.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^(\s+version:\s*).*$/m,
      `$1${version}`));
  }
  const built = await buildBundle(dir).finally(() => rmSync(work, { recursive: true }));
  const { id, version: v } = built.pack.manifest.metadata;
  return { id, version: v, tgz: built.tgz, bundle: signTarball(built.tgz, key.privatePem) };
}

/** Writes a signed pack as `<dir>/<id>-<version>.tgz` and its `.sigstore.json`. */
export function writeSigned(dir: string, pack: SignedPack): string {
  const tgz = join(dir, `${pack.id}-${pack.version}.tgz`);
  writeFileSync(tgz, pack.tgz);
  writeFileSync(`${tgz}.sigstore.json`, JSON.stringify(pack.bundle));
  return tgz;
}

/**
 * The checks a downloaded version passes before it is copied anywhere (an
 * offline bundle, another registry), the same as `pack install` makes: the
 * tarball's digest, the key hashing to its id, the signature, and the
 * tarball holding the pack and version it is said to be.
 */
import { readBundle } from '../bundle/read.js';
import { sha256Hex } from '../digest.js';
import { PackError } from '../errors.js';
import { loadPack } from '../load.js';
import { keyIdOf } from '../signing/keys.js';
import { verifyTarball } from '../signing/verify.js';

export interface Expected {
  id: string;
  version: string;
  sha256: string;
  key_id: string;
}

export async function verifyDownloaded(expected: Expected, tgz: Buffer, bundle: unknown,
  publicPem: string): Promise<void> {
  const label = `${expected.id}@${expected.version}`;
  const actual = sha256Hex(tgz);
  if (actual !== expected.sha256) {
    throw new PackError('digest_mismatch', `${label}: tarball has sha256 ${actual}, expected ${
      expected.sha256}`, { details: { expected: expected.sha256, actual } });
  }
  if (keyIdOf(publicPem) !== expected.key_id) {
    throw new PackError('signature_invalid', `${label}: key ${expected.key_id} does not hash ` +
      'to its id');
  }
  verifyTarball(tgz, bundle, (id) => (id === expected.key_id ? publicPem : undefined));
  const meta = loadPack(await readBundle(tgz)).manifest.metadata;
  if (meta.id !== expected.id || meta.version !== expected.version) {
    throw new PackError('lock_mismatch', `${label}: the tarball holds ${meta.id}@${meta.version}`);
  }
}

/**
 * Checks a tarball against its sigstore bundle and a set of trusted keys.
 * The verifier proves the signature; the digest the bundle records is
 * compared with the tarball here, since without a log it is not.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { toSignedEntity, Verifier, type TrustMaterial } from '@sigstore/verify';
import { PackError } from '../errors.js';
import { loadPublicKey } from './keys.js';

export interface Verified {
  keyId: string;
  sha256: string;
}

function parseBundle(json: unknown): Bundle {
  // bundleFromJSON reads fields of what it is given: null gave a TypeError's words.
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new PackError('signature_invalid', 'signature bundle is malformed: expected a JSON ' +
      `object, got ${json === null ? 'null' : Array.isArray(json) ? 'a list' : typeof json}`);
  }
  try {
    return bundleFromJSON(json);
  } catch (err) {
    throw new PackError('signature_invalid', `signature bundle is malformed: ${
      err instanceof Error ? err.message : err}`, { cause: err });
  }
}

/** The key id a bundle names, without checking anything else. */
export function bundleKeyId(json: unknown): string {
  const bundle = parseBundle(json);
  const content = bundle.verificationMaterial.content;
  if (content.$case !== 'publicKey' || !content.publicKey.hint) {
    throw new PackError('signature_invalid', 'signature bundle names no public key id');
  }
  return content.publicKey.hint;
}

/** The digest a bundle says it signs (SHA-256 of the tarball), unchecked. */
export function signedDigest(json: unknown): Buffer {
  const bundle = parseBundle(json);
  if (bundle.content.$case !== 'messageSignature') {
    throw new PackError('signature_invalid', 'expected a message-signature bundle');
  }
  return bundle.content.messageSignature.messageDigest?.digest ?? Buffer.alloc(0);
}

export function verifyTarball(
  tgz: Buffer,
  bundleJson: unknown,
  findKey: (keyId: string) => string | undefined,
): Verified {
  const bundle = parseBundle(bundleJson);
  const keyId = bundleKeyId(bundleJson);
  const sha256 = createHash('sha256').update(tgz).digest();
  const recorded = signedDigest(bundleJson);
  if (recorded.length !== sha256.length || !timingSafeEqual(recorded, sha256)) {
    throw new PackError('digest_mismatch', `tarball sha256 ${sha256.toString('hex')} differs ` +
      `from the signed digest ${recorded.toString('hex')}`,
      { details: { expected: recorded.toString('hex'), actual: sha256.toString('hex') } });
  }
  const pem = findKey(keyId);
  if (!pem) {
    throw new PackError('signature_unknown_key', `signed by key ${keyId}, which is not trusted`,
      { details: { keyId } });
  }
  const publicKey = loadPublicKey(pem, `key ${keyId}`);
  const trust: TrustMaterial = {
    certificateAuthorities: [],
    timestampAuthorities: [],
    tlogs: [],
    ctlogs: [],
    publicKey: () => ({ publicKey, validFor: () => true }),
  };
  try {
    new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 })
      .verify(toSignedEntity(bundle, tgz));
  } catch (err) {
    throw new PackError('signature_invalid', `signature by key ${keyId} does not verify: ${
      err instanceof Error ? err.message : err}`, { cause: err, details: { keyId } });
  }
  return { keyId, sha256: sha256.toString('hex') };
}

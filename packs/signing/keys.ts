/** ECDSA P-256 keys for signing packs, as PEM, named by a stable key id. */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { sha256Hex } from '../digest.js';
import { PackError } from '../errors.js';

export interface KeyPair {
  privatePem: string;
  publicPem: string;
  keyId: string;
}

export function generateKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem,
    keyId: keyIdOf(publicPem),
  };
}

/** Parses a PEM public key, insisting on ECDSA P-256. */
export function loadPublicKey(pem: string, where = 'public key'): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new PackError('key_invalid', `${where}: not a PEM public key`, { cause: err });
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    throw new PackError('key_invalid',
      `${where}: expected an ECDSA P-256 key, got ${key.asymmetricKeyType} ${curve ?? ''}`.trim());
  }
  return key;
}

/** The key id: hex SHA-256 of the DER SubjectPublicKeyInfo. */
export function keyIdOf(publicPem: string): string {
  const der = loadPublicKey(publicPem).export({ type: 'spki', format: 'der' });
  return sha256Hex(der);
}

/** Normalises a PEM public key to its canonical SPKI PEM text. */
export function canonicalPublicPem(pem: string): string {
  return loadPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
}

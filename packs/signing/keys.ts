/** ECDSA P-256 keys for signing packs, as PEM, named by a stable key id. */
import {
  createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject,
} from 'node:crypto';
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

/** Any PEM block of a private key: PKCS#8, encrypted PKCS#8, SEC1 `EC`, `RSA`, `OPENSSH`. */
const PRIVATE_PEM_LABEL = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/**
 * Whether the text holds a private key anywhere: a private PEM label in any
 * block, or text OpenSSL reads as a private key whatever its label.
 * createPublicKey would quietly derive the public half of one, so a caller
 * that sent its private key (to the registry, into Terraform state) would
 * never be told.
 */
function holdsPrivateKey(pem: string): boolean {
  if (PRIVATE_PEM_LABEL.test(pem)) return true;
  try {
    createPrivateKey(pem);
    return true;
  } catch {
    return false;
  }
}

/** Parses a PEM public key, insisting on ECDSA P-256; a private key is refused. */
export function loadPublicKey(pem: string, where = 'public key'): KeyObject {
  if (holdsPrivateKey(pem)) {
    throw new PackError('key_invalid', `${where}: is a private key; expected a public key ` +
      '(-----BEGIN PUBLIC KEY-----, the .pub file of cordum keygen). The private key must ' +
      'not be sent or shared: replace it if it was');
  }
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

/**
 * The key with its point written uncompressed, as keygen writes it. One
 * P-256 key has two SPKI encodings (a compressed point is 33 bytes, an
 * uncompressed one 65), which would hash to two key ids: the same key could
 * be registered twice, to two publishers, or live on under one id after
 * being revoked under the other. A JWK holds x and y, and Node writes the
 * key it makes of one uncompressed.
 */
function uncompressed(key: KeyObject): KeyObject {
  return createPublicKey({ key: key.export({ format: 'jwk' }), format: 'jwk' });
}

/**
 * The key id: hex SHA-256 of the DER SubjectPublicKeyInfo, its point
 * uncompressed. `where` names the key in errors (its file, when it came
 * from one).
 */
export function keyIdOf(publicPem: string, where?: string): string {
  const der = uncompressed(loadPublicKey(publicPem, where)).export({ type: 'spki', format: 'der' });
  return sha256Hex(der);
}

/** Normalises a PEM public key to its canonical SPKI PEM text (the point uncompressed). */
export function canonicalPublicPem(pem: string): string {
  return uncompressed(loadPublicKey(pem)).export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * Signs a tarball as a sigstore bundle (v0.3, message signature) with a
 * local key: no Fulcio certificate and no Rekor entry, so it works offline.
 * The key is named in the bundle by its key id.
 */
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { bundleToJSON, toMessageSignatureBundle, type SerializedBundle } from '@sigstore/bundle';
import { createHash } from 'node:crypto';
import { PackError } from '../errors.js';
import { keyIdOf } from './keys.js';

/** PKCS#8 `ENCRYPTED PRIVATE KEY`, or a traditional PEM with a `Proc-Type: 4,ENCRYPTED` line. */
const ENCRYPTED_PEM = /-----BEGIN ENCRYPTED PRIVATE KEY-----|^Proc-Type: *4, *ENCRYPTED/m;

function isPublicKey(pem: string): boolean {
  try {
    createPublicKey(pem);
    return true;
  } catch {
    return false;
  }
}

/** `keyFile` names the key in messages (the file it came from). */
export function signTarball(tgz: Buffer, privatePem: string,
  keyFile = 'signing key'): SerializedBundle {
  let privateKey;
  try {
    privateKey = createPrivateKey(privatePem);
  } catch (err) {
    // OpenSSL's own words for an encrypted key asked no passphrase: "interrupted or cancelled".
    if (ENCRYPTED_PEM.test(privatePem)) {
      throw new PackError('key_invalid', `${keyFile}: is a private key encrypted with a ` +
        'passphrase, which pack sign does not ask for; expected an unencrypted PKCS#8 PEM key ' +
        'as cordum keygen writes (openssl pkey -in KEY -out NEW decrypts one)', { cause: err });
    }
    if (isPublicKey(privatePem)) {
      throw new PackError('key_invalid', `${keyFile}: is a public key; expected the private ` +
        'key that signs (cordum keygen\'s cordum.key, not its cordum.pub)', { cause: err });
    }
    throw new PackError('key_invalid', `${keyFile}: not a PEM private key`, { cause: err });
  }
  const curve = privateKey.asymmetricKeyDetails?.namedCurve;
  if (privateKey.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    throw new PackError('key_invalid', `${keyFile}: expected an ECDSA P-256 private key, got ` +
      `${privateKey.asymmetricKeyType ?? 'an unknown type'} ${curve ?? ''}`.trim());
  }
  const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  const bundle = toMessageSignatureBundle({
    digest: createHash('sha256').update(tgz).digest(),
    signature: sign('sha256', tgz, privateKey),
    keyHint: keyIdOf(publicPem),
    certificateChain: false,
  });
  return bundleToJSON(bundle);
}

/**
 * Where an install from a source that is not a Cordum registry gets the
 * keys it trusts: public key files given on the command line, or a Cordum
 * registry's registered keys.
 */
import { readOrFail } from '../commands/files.js';
import { PackError } from '../errors.js';
import { keyIdOf } from '../signing/keys.js';

export interface TrustedKeys {
  getKey(keyId: string): Promise<{ key_id: string; public_key: string }>;
  /** For messages: where the keys come from. */
  describe: string;
}

/** Trusts exactly the keys in these PEM files. */
export function keysFromFiles(paths: string[]): TrustedKeys {
  const keys = new Map<string, string>();
  for (const path of paths) {
    const pem = readOrFail(path, 'public key').toString('utf8');
    keys.set(keyIdOf(pem, `public key ${path}`), pem);
  }
  return {
    describe: paths.join(', '),
    async getKey(keyId) {
      const pem = keys.get(keyId);
      if (pem === undefined) {
        throw new PackError('signature_unknown_key', `signed by key ${keyId}, which is not ` +
          `among the trusted keys (${paths.join(', ')})`, { details: { keyId } });
      }
      return { key_id: keyId, public_key: pem };
    },
  };
}

/** `cordum registry key add PUB`: register a public key over the registry API. */
import { readFileSync } from 'node:fs';
import { registryFrom, type RegistryFlags } from '../../cli/output.js';
import { RegistryClient } from '../../packs/client/registry.js';
import { PackError } from '../../packs/errors.js';
import { loadPublicKey } from '../../packs/signing/keys.js';

export async function addKey(
  pubPath: string,
  flags: RegistryFlags & { publisher?: string },
): Promise<{ key_id: string; publisher: string }> {
  const connection = registryFrom(flags);
  let pem: string;
  try {
    pem = readFileSync(pubPath, 'utf8');
  } catch (err) {
    throw new PackError('file_missing', `public key ${pubPath}: cannot be read`, { cause: err });
  }
  // Checked here first: a private key must never leave this machine, even to be refused.
  loadPublicKey(pem, `public key ${pubPath}`);
  return new RegistryClient(connection).addKey(pem, flags.publisher);
}

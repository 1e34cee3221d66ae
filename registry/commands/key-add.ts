/** `cordum registry key add PUB`: register a public key over the registry API. */
import { registryFrom, type RegistryFlags } from '../../cli/output.js';
import { RegistryClient } from '../../packs/client/registry.js';
import { readOrFail } from '../../packs/commands/files.js';
import { loadPublicKey } from '../../packs/signing/keys.js';

export async function addKey(
  pubPath: string,
  flags: RegistryFlags & { publisher?: string },
): Promise<{ key_id: string; publisher: string }> {
  const connection = registryFrom(flags);
  // A folder given is named as one, as every command reading a file does.
  const pem = readOrFail(pubPath, 'public key').toString('utf8');
  // Checked here first: a private key must never leave this machine, even to be refused.
  loadPublicKey(pem, `public key ${pubPath}`);
  return new RegistryClient(connection).addKey(pem, flags.publisher);
}

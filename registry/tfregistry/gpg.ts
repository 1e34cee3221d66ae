/**
 * The registry's GPG key for Terraform: it signs `SHA256SUMS`, and its
 * public half is listed in every download answer. Made with openpgp (a v4
 * Ed25519 key, which Terraform's OpenPGP reader accepts) and kept in
 * `<data>/terraform-gpg-key.asc`; without a data folder it lives in memory.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';

export const GPG_KEY_FILE = 'terraform-gpg-key.asc';

export interface GpgSigner {
  /** Upper-case hex key id (16 digits), as Terraform shows it. */
  keyId: string;
  publicArmor: string;
  /** A detached binary signature of `data`. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

async function makeKey(): Promise<string> {
  const { privateKey } = await openpgp.generateKey({
    type: 'ecc', curve: 'curve25519Legacy', format: 'armored',
    userIDs: [{ name: 'Cordum registry', email: 'registry@cordum.local' }],
  });
  return privateKey;
}

export async function signerFromArmor(armor: string): Promise<GpgSigner> {
  const key = await openpgp.readPrivateKey({ armoredKey: armor });
  return {
    keyId: key.getKeyID().toHex().toUpperCase(),
    publicArmor: key.toPublic().armor(),
    async sign(data) {
      const message = await openpgp.createMessage({ binary: data });
      return openpgp.sign({ message, signingKeys: key, detached: true, format: 'binary' });
    },
  };
}

const loaded = new Map<string, Promise<GpgSigner>>();

/** The key of `dataDir` (made and written when absent), or one in memory. */
export function gpgSigner(dataDir: string | undefined): Promise<GpgSigner> {
  const where = dataDir ?? '';
  let signer = loaded.get(where);
  if (!signer) {
    signer = (async () => {
      if (dataDir === undefined) return signerFromArmor(await makeKey());
      const file = join(dataDir, GPG_KEY_FILE);
      if (!existsSync(file)) writeFileSync(file, await makeKey(), { mode: 0o600, flag: 'wx' });
      return signerFromArmor(readFileSync(file, 'utf8'));
    })();
    signer.catch(() => loaded.delete(where));
    loaded.set(where, signer);
  }
  return signer;
}

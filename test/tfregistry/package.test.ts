/**
 * The provider zip and the GPG signing, without Terraform: what the zip
 * holds (launcher mode included), that its bytes are stable, and that the
 * signature verifies with the served public key and fails on other bytes.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { LAUNCHER } from '../../provider/install.js';
import { GPG_KEY_FILE, gpgSigner, signerFromArmor } from '../../registry/tfregistry/gpg.js';
import { buildProviderZip, shasums, zipName } from '../../registry/tfregistry/package.js';
import { tempDir } from '../provider/helpers.js';

/** Unix modes from the zip's central directory (external attributes, high 16 bits). */
function modesOf(zip: Uint8Array): Map<string, number> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out = new Map<string, number>();
  let at = zip.byteLength - 22;
  while (at > 0 && view.getUint32(at, true) !== 0x06054b50) at -= 1;
  const count = view.getUint16(at + 10, true);
  let p = view.getUint32(at + 16, true);
  for (let i = 0; i < count; i += 1) {
    const nameLen = view.getUint16(p + 28, true);
    const extra = view.getUint16(p + 30, true);
    const comment = view.getUint16(p + 32, true);
    const name = new TextDecoder().decode(zip.subarray(p + 46, p + 46 + nameLen));
    out.set(name, view.getUint32(p + 38, true) >>> 16);
    p += 46 + nameLen + extra + comment;
  }
  return out;
}

function fakeBundle(): string {
  const dir = tempDir('cordum-tfzip-');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'provider.cjs'), 'import "./chunk-A.js";\nconsole.error("p");\n');
  writeFileSync(join(dir, 'chunk-A.js'), 'export const a = 1;\n');
  writeFileSync(join(dir, 'unrelated.js'), 'export const b = 2;\n');
  return join(dir, 'provider.cjs');
}

describe('the provider zip', () => {
  it('holds the launcher `provider install` writes and the bundle with its chunks', () => {
    const zip = buildProviderZip(fakeBundle(), '1.2.3');
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['lib/chunk-A.js', 'lib/package.json',
      'lib/provider.cjs', 'terraform-provider-cordum_v1.2.3']);
    const launcher = new TextDecoder().decode(files['terraform-provider-cordum_v1.2.3']);
    expect(launcher).toBe(LAUNCHER);
    expect(launcher.startsWith('#!/bin/sh\n')).toBe(true);
    expect(launcher).toContain('exec node "$here/lib/provider.cjs" "$@"');
    expect(new TextDecoder().decode(files['lib/chunk-A.js'])).toBe('export const a = 1;\n');
    const modes = modesOf(zip);
    expect(modes.get('terraform-provider-cordum_v1.2.3')).toBe(0o100755);
    expect(modes.get('lib/provider.cjs')).toBe(0o100644);
  });

  it('has the same bytes when built again', () => {
    const js = fakeBundle();
    expect(Buffer.from(buildProviderZip(js)).equals(Buffer.from(buildProviderZip(js))))
      .toBe(true);
  });

  it('lists every platform in SHA256SUMS', () => {
    const sums = shasums({ version: '0.1.0', zip: new Uint8Array(), sha256: 'ab'.repeat(32) });
    expect(sums.split('\n').filter(Boolean)).toEqual(['linux_amd64', 'linux_arm64',
      'darwin_amd64', 'darwin_arm64'].map((p) => {
      const [os, arch] = p.split('_') as [string, string];
      return `${'ab'.repeat(32)}  ${zipName('0.1.0', os, arch)}`;
    }));
  });
});

describe('the registry GPG key', () => {
  it('is made once in the data folder and signs what verifies with its public key', async () => {
    const dir = tempDir('cordum-tfgpg-');
    const signer = await gpgSigner(dir);
    const kept = await signerFromArmor(readFileSync(join(dir, GPG_KEY_FILE), 'utf8'));
    expect(kept.keyId).toBe(signer.keyId);
    expect(signer.keyId).toMatch(/^[0-9A-F]{16}$/);
    expect(signer.publicArmor).toContain('BEGIN PGP PUBLIC KEY BLOCK');
    expect(signer.publicArmor).not.toContain('PRIVATE');

    const data = new TextEncoder().encode('abc  file.zip\n');
    const signature = await openpgp.readSignature({ binarySignature: await signer.sign(data) });
    const verificationKeys = await openpgp.readKey({ armoredKey: signer.publicArmor });
    const check = async (bytes: Uint8Array) => {
      const { signatures } = await openpgp.verify({ signature, verificationKeys,
        message: await openpgp.createMessage({ binary: bytes }) });
      return signatures[0]!.verified.then(() => true, () => false);
    };
    expect(await check(data)).toBe(true);
    expect(await check(new TextEncoder().encode('abd  file.zip\n'))).toBe(false);
  });
});

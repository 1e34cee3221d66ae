/**
 * Where a public key is expected, a private key PEM is refused, never
 * turned into its public half: whoever sent it has already given it away.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  canonicalPublicPem, generateKeyPair, keyIdOf, loadPublicKey,
} from '../../packs/signing/keys.js';
import { keysFromFiles } from '../../packs/npm/trust.js';

const pair = generateKeyPair();
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

const privatePems: { name: string; pem: () => string }[] = [
  { name: 'a PKCS#8 PEM (as cordum keygen writes)', pem: () => pair.privatePem },
  { name: 'a SEC1 "EC PRIVATE KEY" PEM',
    pem: () => ec.export({ type: 'sec1', format: 'pem' }).toString() },
  { name: 'an encrypted PKCS#8 PEM', pem: () => ec.export({ type: 'pkcs8', format: 'pem',
    cipher: 'aes-256-cbc', passphrase: 'pw' }).toString() },
  { name: 'a public key followed by its private key',
    pem: () => `${pair.publicPem}${pair.privatePem}` },
  { name: 'a private key with CRLF line ends and blank lines around it',
    pem: () => `\r\n${pair.privatePem.replace(/\n/g, '\r\n')}\r\n` },
];

describe('a private key where a public key is expected', () => {
  it.each(privatePems)('is refused: $name (key_invalid)', ({ pem }) => {
    const text = pem();
    for (const read of [loadPublicKey, keyIdOf, canonicalPublicPem]) {
      expect(() => read(text)).toThrow(expect.objectContaining({ code: 'key_invalid',
        message: expect.stringContaining('is a private key') }));
    }
  });

  it('is named in the message, with what was expected', () => {
    expect(() => loadPublicKey(pair.privatePem, 'keys/cordum.key')).toThrow(
      expect.objectContaining({
        code: 'key_invalid',
        message: expect.stringMatching(
          /^keys\/cordum\.key: is a private key; expected a public key/),
      }));
    expect(() => canonicalPublicPem(pair.privatePem)).toThrow(/must not be sent/);
  });

  it('is named by its file where keys are trusted from files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-trust-'));
    const file = join(dir, 'cordum.key');
    writeFileSync(file, pair.privatePem);
    expect(() => keysFromFiles([file])).toThrow(expect.objectContaining({ code: 'key_invalid',
      message: expect.stringMatching(new RegExp(`^public key ${file}: is a private key`)) }));
    expect(() => keyIdOf(pair.privatePem, 'public key k.pem')).toThrow(/^public key k\.pem: /);
  });

  it('leaves a public key as it was', () => {
    expect(canonicalPublicPem(pair.publicPem)).toBe(pair.publicPem);
    expect(keyIdOf(pair.publicPem)).toBe(pair.keyId);
  });
});

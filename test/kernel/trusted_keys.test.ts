/** `engine serve --keys DIR`: each `<keyId>.pem` is checked against its name, and refused. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trustedKeysIn } from '../../engine/kernel/wiring.js';
import { generateKeyPair } from '../../packs/signing/keys.js';

const folder = () => mkdtempSync(join(tmpdir(), 'cordum-trusted-keys-'));

describe('trustedKeysIn', () => {
  it('reads each key under its own id', () => {
    const dir = folder();
    const key = generateKeyPair();
    writeFileSync(join(dir, `${key.keyId}.pem`), key.publicPem);
    writeFileSync(join(dir, 'README.txt'), 'not a key');
    expect([...trustedKeysIn(dir)]).toEqual([[key.keyId, key.publicPem]]);
  });

  it('refuses a file named for another key, naming the file and the id it holds', () => {
    const dir = folder();
    const [named, held] = [generateKeyPair(), generateKeyPair()];
    const file = join(dir, `${named.keyId}.pem`);
    writeFileSync(file, held.publicPem);
    expect(() => trustedKeysIn(dir)).toThrow(expect.objectContaining({ code: 'usage',
      message: `--keys ${file}: holds key ${held.keyId}; a trusted key's file is named by its ` +
        `key id (${held.keyId}.pem)` }));
  });

  it('refuses a file that holds no public key', () => {
    const dir = folder();
    const file = join(dir, 'ci.pem');
    writeFileSync(file, 'not a pem\n');
    expect(() => trustedKeysIn(dir)).toThrow(expect.objectContaining({ code: 'key_invalid',
      message: `--keys ${file}: not a PEM public key` }));
  });
});

/**
 * Signing packs: P-256 keys named by the SHA-256 of their SPKI, sigstore
 * message-signature bundles over the tarball, and every way to fail a check.
 */
import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../../packs/bundle/build.js';
import {
  canonicalPublicPem, generateKeyPair, keyIdOf, loadPublicKey, type KeyPair,
} from '../../packs/signing/keys.js';
import { signTarball } from '../../packs/signing/sign.js';
import { bundleKeyId, verifyTarball } from '../../packs/signing/verify.js';
import { compressedPem } from './helpers/compressed_key.js';
import { realPack } from './helpers/packs.js';
import { thrown } from './helpers/thrown.js';

type BundleJson = ReturnType<typeof signTarball>;

const otherKeys = {
  rsa: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
  'P-384': () => generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  secp256k1: () => generateKeyPairSync('ec', { namedCurve: 'secp256k1' }),
  ed25519: () => generateKeyPairSync('ed25519'),
};

let tgz: Buffer;
let alice: KeyPair;
let mallory: KeyPair;
const trusting = (...pairs: KeyPair[]) => (id: string) =>
  pairs.find((p) => p.keyId === id)?.publicPem;
/** A deep copy of a bundle, to tamper with. */
const copy = (b: BundleJson) => JSON.parse(JSON.stringify(b)) as BundleJson;

beforeAll(async () => {
  tgz = (await buildBundle(realPack('hello-pack'))).tgz;
  alice = generateKeyPair();
  mallory = generateKeyPair();
});

describe('keys', () => {
  it('are ECDSA P-256 PEM pairs named by the SHA-256 of their DER SPKI', () => {
    expect(alice.privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(alice.publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const der = createPublicKey(alice.publicPem).export({ type: 'spki', format: 'der' });
    expect(alice.keyId).toBe(createHash('sha256').update(der).digest('hex'));
    expect(keyIdOf(alice.publicPem)).toBe(alice.keyId);
    expect(alice.keyId).not.toBe(mallory.keyId);
  });

  it('have the same id however the PEM is spelled', () => {
    const messy = `\n\n${alice.publicPem.replace(/\n/g, '\r\n')}\n`;
    expect(keyIdOf(messy)).toBe(alice.keyId);
    expect(canonicalPublicPem(messy)).toBe(alice.publicPem);
  });

  it('have the same id and PEM with the point compressed', () => {
    const compressed = compressedPem(alice.publicPem);
    expect(createPublicKey(compressed).export({ type: 'spki', format: 'der' })).toHaveLength(59);
    expect(keyIdOf(compressed)).toBe(alice.keyId);
    expect(canonicalPublicPem(compressed)).toBe(alice.publicPem);
  });

  it.each(Object.keys(otherKeys) as (keyof typeof otherKeys)[])(
    'refuse a %s public key (key_invalid)', (kind) => {
      const pem = otherKeys[kind]().publicKey.export({ type: 'spki', format: 'pem' }).toString();
      expect(thrown(() => loadPublicKey(pem))).toMatchObject({ code: 'key_invalid' });
      expect(thrown(() => keyIdOf(pem))).toMatchObject({ code: 'key_invalid' });
    });

  it.each(Object.keys(otherKeys) as (keyof typeof otherKeys)[])(
    'refuse to sign with a %s private key (key_invalid)', (kind) => {
      const pem = otherKeys[kind]().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      expect(thrown(() => signTarball(tgz, pem))).toMatchObject({ code: 'key_invalid' });
    });

  it.each([
    ['PKCS#8', { type: 'pkcs8', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'pw' }],
    ['SEC1 (Proc-Type)', { type: 'sec1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'pw' }],
  ] as const)('refuse a P-256 key encrypted as %s, saying it is encrypted', (_, encoding) => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
      .export(encoding).toString();
    expect(thrown(() => signTarball(tgz, pem, 'keys/enc.key'))).toMatchObject({
      code: 'key_invalid', message: 'keys/enc.key: is a private key encrypted with a ' +
        'passphrase, which pack sign does not ask for; expected an unencrypted PKCS#8 PEM key ' +
        'as cordum keygen writes (openssl pkey -in KEY -out NEW decrypts one)' });
  });

  it('refuse text that is not a key (key_invalid)', () => {
    expect(thrown(() => loadPublicKey('not a key'))).toMatchObject({ code: 'key_invalid' });
    expect(thrown(() => signTarball(tgz, 'not a key'))).toMatchObject({ code: 'key_invalid' });
    expect(thrown(() => signTarball(tgz, alice.publicPem))).toMatchObject({
      code: 'key_invalid' });
  });
});

describe('sign and verify', () => {
  it('round trip through JSON text', () => {
    const text = JSON.stringify(signTarball(tgz, alice.privatePem));
    const verified = verifyTarball(tgz, JSON.parse(text), trusting(alice));
    expect(verified).toEqual({ keyId: alice.keyId,
      sha256: createHash('sha256').update(tgz).digest('hex') });
  });

  it('write a sigstore v0.3 message-signature bundle naming the key', () => {
    const bundle = signTarball(tgz, alice.privatePem);
    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(bundle.verificationMaterial.publicKey?.hint).toBe(alice.keyId);
    expect(bundleKeyId(bundle)).toBe(alice.keyId);
    const sig = bundle.messageSignature!;
    expect(sig.messageDigest?.algorithm).toBe('SHA2_256');
    expect(Buffer.from(sig.messageDigest!.digest, 'base64'))
      .toEqual(createHash('sha256').update(tgz).digest());
    // The signature is plain ECDSA over the tarball: any tool can check it.
    expect(verify('sha256', tgz, alice.publicPem, Buffer.from(sig.signature, 'base64')))
      .toBe(true);
  });

  it('refuse a tarball with one flipped byte (digest_mismatch)', () => {
    const bundle = signTarball(tgz, alice.privatePem);
    const tampered = Buffer.from(tgz);
    tampered[tampered.length >> 1] ^= 0x01;
    expect(thrown(() => verifyTarball(tampered, bundle, trusting(alice)))).toMatchObject({
      code: 'digest_mismatch',
      details: { expected: createHash('sha256').update(tgz).digest('hex'),
        actual: createHash('sha256').update(tampered).digest('hex') },
    });
  });

  it('refuse a tarball with a byte appended (digest_mismatch)', () => {
    const bundle = signTarball(tgz, alice.privatePem);
    expect(thrown(() => verifyTarball(Buffer.concat([tgz, Buffer.from([0])]), bundle,
      trusting(alice)))).toMatchObject({ code: 'digest_mismatch' });
  });

  it('refuse a bundle signed by a key that is not trusted (signature_unknown_key)', () => {
    const bundle = signTarball(tgz, mallory.privatePem);
    expect(thrown(() => verifyTarball(tgz, bundle, trusting(alice)))).toMatchObject({
      code: 'signature_unknown_key', details: { keyId: mallory.keyId } });
  });

  it('refuse a forged signature that names the trusted key (signature_invalid)', () => {
    const forged = copy(signTarball(tgz, mallory.privatePem));
    forged.verificationMaterial.publicKey!.hint = alice.keyId;
    expect(thrown(() => verifyTarball(tgz, forged, trusting(alice)))).toMatchObject({
      code: 'signature_invalid', details: { keyId: alice.keyId } });
  });

  it('refuse a signature of another tarball, its digest swapped (signature_invalid)', () => {
    const other = Buffer.concat([tgz, Buffer.from('x')]);
    const forged = copy(signTarball(other, alice.privatePem));
    forged.messageSignature!.messageDigest!.digest = createHash('sha256').update(tgz)
      .digest('base64');
    expect(thrown(() => verifyTarball(tgz, forged, trusting(alice)))).toMatchObject({
      code: 'signature_invalid' });
  });

  it('refuse a signature with one flipped bit (signature_invalid)', () => {
    const forged = copy(signTarball(tgz, alice.privatePem));
    const sig = Buffer.from(forged.messageSignature!.signature, 'base64');
    sig[sig.length - 1] ^= 0x01;
    forged.messageSignature!.signature = sig.toString('base64');
    expect(thrown(() => verifyTarball(tgz, forged, trusting(alice)))).toMatchObject({
      code: 'signature_invalid' });
  });

  it('refuse a trusted key that is not P-256 (key_invalid)', () => {
    const bundle = signTarball(tgz, alice.privatePem);
    const rsa = otherKeys.rsa().publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(thrown(() => verifyTarball(tgz, bundle, () => rsa))).toMatchObject({
      code: 'key_invalid' });
  });
});

describe('malformed bundles', () => {
  const cases: [string, (b: BundleJson) => unknown][] = [
    ['an empty object', () => ({})],
    ['a string', () => 'not a bundle'],
    ['null', () => null],
    ['an unknown media type', (b) => ({ ...b, mediaType: 'application/json' })],
    ['no verification material', (b) => ({ ...b, verificationMaterial: undefined })],
    ['no content', (b) => ({ ...b, messageSignature: undefined })],
    ['no key hint', (b) => {
      const c = copy(b);
      c.verificationMaterial.publicKey!.hint = '';
      return c;
    }],
    ['a DSSE envelope instead of a message signature', (b) => {
      const { messageSignature: _drop, ...rest } = copy(b);
      return { ...rest, dsseEnvelope: { payload: Buffer.from('{}').toString('base64'),
        payloadType: 'application/vnd.in-toto+json', signatures: [{ sig: 'AAAA', keyid: '' }] } };
    }],
  ];

  it.each(cases)('refuse %s (signature_invalid)', (_name, make) => {
    const bundle = make(signTarball(tgz, alice.privatePem));
    expect(thrown(() => verifyTarball(tgz, bundle, trusting(alice)))).toMatchObject({
      name: 'PackError', code: 'signature_invalid' });
  });

  it.each([[null, 'null'], [[], 'a list'], ['x', 'string']] as const)(
    'say what %j is, not a TypeError\'s words', (bundle, what) => {
      expect(thrown(() => verifyTarball(tgz, bundle, trusting(alice)))).toMatchObject({
        message: `signature bundle is malformed: expected a JSON object, got ${what}` });
    });
});

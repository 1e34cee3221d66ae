import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { generateKeyPair, type KeyPair } from '../../packs/signing/keys.js';
import { compressedPem } from '../packs/helpers/compressed_key.js';
import type { RegistryClient } from '../../packs/client/registry.js';
import { createToken } from '../../registry/store/tokens.js';
import { registeredKey, signedFixture, startTestRegistry, type TestRegistry } from './helpers.js';

describe.each(backends())('publishers and keys ($name)', (backend) => {
  let reg: TestRegistry;
  let alice: RegistryClient;
  let bob: RegistryClient;
  let aliceKey: KeyPair;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    const now = reg.clock.now();
    const scopes = ['publish' as const, 'keys' as const];
    alice = reg.client((await createToken(reg.services.db, { publisher: 'alice', scopes }, now))
      .secret);
    bob = reg.client((await createToken(reg.services.db, { publisher: 'bob', scopes }, now))
      .secret);
    aliceKey = generateKeyPair();
  });
  afterAll(async () => {
    await reg?.close();
  });

  it('registers a key to the token\'s publisher and lists it', async () => {
    expect(await alice.addKey(aliceKey.publicPem)).toEqual({
      key_id: aliceKey.keyId, publisher: 'alice',
    });
    const { keys } = await alice.listKeys();
    expect(keys).toEqual([{ key_id: aliceKey.keyId, publisher: 'alice',
      public_key: aliceKey.publicPem, created_at: '2025-01-02T03:04:05.000Z' }]);
    expect(await alice.getKey(aliceKey.keyId)).toEqual(keys[0]);
    await expect(alice.getKey('f'.repeat(64))).rejects.toMatchObject({
      code: 'key_not_found', status: 404,
    });
  });

  it('refuses a key twice, a bad key, and a key for another publisher', async () => {
    await expect(bob.addKey(aliceKey.publicPem)).rejects.toMatchObject({
      code: 'key_exists', status: 409,
    });
    // The same key with its point compressed is the same key, not a second one for bob.
    await expect(bob.addKey(compressedPem(aliceKey.publicPem))).rejects.toMatchObject({
      code: 'key_exists', status: 409,
    });
    await expect(bob.addKey('-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n'))
      .rejects.toMatchObject({ code: 'key_invalid', status: 422 });
    await expect(bob.addKey(generateKeyPair().publicPem, 'alice')).rejects.toMatchObject({
      code: 'forbidden', status: 403,
    });
    await expect(reg.admin.addKey(generateKeyPair().publicPem, 'Not Valid')).rejects
      .toMatchObject({ code: 'publisher_invalid', status: 422 });
    expect((await reg.admin.listKeys()).keys.map((k) => k.key_id)).toEqual([aliceKey.keyId]);
  });

  it('lets the first publish claim an id for its publisher', async () => {
    const pack = await signedFixture('demo-guardrails', aliceKey);
    await alice.publish(pack.tgz, pack.bundle);
    expect((await alice.getPack('demo-guardrails')).publisher).toBe('alice');
  });

  it('only takes keys of the owning publisher for a pack', async () => {
    const defaultKey = await registeredKey(reg);
    const pack = await signedFixture('demo-guardrails', defaultKey, { version: '0.2.0' });
    // An admin may publish for alice, but only with one of alice's keys.
    await expect(reg.admin.publish(pack.tgz, pack.bundle)).rejects.toMatchObject({
      code: 'signature_unknown_key', status: 403,
    });
    const signed = await signedFixture('demo-guardrails', aliceKey, { version: '0.2.0' });
    expect((await reg.admin.publish(signed.tgz, signed.bundle)).version).toBe('0.2.0');
  });

  it('refuses another publisher\'s token even with the owner\'s signature', async () => {
    const pack = await signedFixture('demo-guardrails', aliceKey, { version: '0.3.0' });
    await expect(bob.publish(pack.tgz, pack.bundle)).rejects.toMatchObject({
      code: 'pack_not_owned', status: 403,
    });
    await expect(reg.admin.publish(pack.tgz, pack.bundle, { publisher: 'bob' })).rejects
      .toMatchObject({ code: 'pack_not_owned', status: 403 });
    const versions = (await alice.getPack('demo-guardrails')).versions.map((v) => v.version);
    expect(versions).toEqual(['0.2.0', '0.1.0']);
  });

  it('lets an admin claim a new id for a named publisher', async () => {
    const bobKey = generateKeyPair();
    await bob.addKey(bobKey.publicPem);
    const pack = await signedFixture('slack', bobKey);
    await reg.admin.publish(pack.tgz, pack.bundle, { publisher: 'bob' });
    expect((await bob.getPack('slack')).publisher).toBe('bob');
  });
});

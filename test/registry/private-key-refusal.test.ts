/**
 * `POST /v1/keys` and key rotation take a public key only: a private key
 * PEM is refused with `key_invalid` and nothing is registered or logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { backends } from '../helpers/databases.js';
import {
  raw, readProblem, registeredKey, startTestRegistry, type TestRegistry,
} from './helpers.js';

describe.each(backends())('a private key sent as a public key ($name)', (backend) => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
  });
  afterAll(async () => {
    await reg?.close();
  });

  const post = (path: string, body: object) => raw(reg, path, { method: 'POST',
    body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  it('is refused by POST /v1/keys with key_invalid, saying a public key was expected',
    async () => {
    const pair = generateKeyPair();
    const res = await post('/v1/keys', { public_key: pair.privatePem });
    const problem = await readProblem(res);
    expect([res.status, problem.code]).toEqual([422, 'key_invalid']);
    expect(problem.detail).toMatch(/private key; expected a public key.*must not be sent/);
    expect((await reg.admin.listKeys()).keys).toEqual([]);
  });

  it('is refused when sent with RegistryClient.addKey (as the CLI does)', async () => {
    await expect(reg.admin.addKey(generateKeyPair().privatePem)).rejects.toMatchObject({
      code: 'key_invalid', status: 422 });
  });

  it('is refused as the new key of a rotation, and the old key stays live', async () => {
    const old = await registeredKey(reg);
    const res = await post(`/v1/keys/${old.keyId}/rotate`,
      { public_key: generateKeyPair().privatePem });
    expect([res.status, (await readProblem(res)).code]).toEqual([422, 'key_invalid']);
    const { keys } = await reg.admin.listKeys();
    expect(keys.map((k) => k.key_id)).toEqual([old.keyId]);
  });
});

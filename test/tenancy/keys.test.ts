/**
 * Key rotation and revocation: after a rotation the old key signs nothing
 * new, versions it signed before are flagged in the version view and at
 * install, and a version claiming a date after the revocation fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPacks, type InstallRegistry } from '../../packs/install.js';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { backends } from '../helpers/databases.js';
import { signedFixture } from '../registry/helpers.js';
import { send, startTenants, type Tenants } from './helpers.js';

describe.each(backends())('key rotation and revocation ($name)', (backend) => {
  let t: Tenants;
  const next = generateKeyPair();
  const dirs: string[] = [];

  beforeAll(async () => {
    t = await startTenants(backend);
    await send(t.reg, t.acme, 'PUT', '/v1/packs/hello-pack/visibility', { private: false });
    t.reg.clock.advance(1000);
  });
  afterAll(async () => {
    await t?.reg.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('rotates: the new key is registered and the old one revoked, by owners only', async () => {
    const refused = await send(t.reg, t.outsider, 'POST', `/v1/keys/${t.acmeKey.keyId}/rotate`,
      { public_key: next.publicPem });
    expect(refused.status).toBe(403);
    const res = await send(t.reg, t.acme, 'POST', `/v1/keys/${t.acmeKey.keyId}/rotate`,
      { public_key: next.publicPem });
    expect([res.status, await res.json()]).toEqual([201, { key_id: next.keyId,
      publisher: 'acme', revoked: t.acmeKey.keyId, revoked_at: '2025-01-02T03:04:06.000Z' }]);
    const view = await (await send(t.reg, t.acme, 'GET',
      '/v1/packs/hello-pack/versions/0.1.0')).json() as { key_revoked_at: string | null };
    expect(view.key_revoked_at).toBe('2025-01-02T03:04:06.000Z');
  });

  it('refuses a publish signed by the revoked key and takes the new one', async () => {
    const old = await signedFixture('hello-pack', t.acmeKey, { version: '0.2.0' });
    await expect(t.reg.client(t.acme).publish(old.tgz, old.bundle)).rejects.toMatchObject({
      code: 'signature_invalid', status: 422,
      message: expect.stringContaining(`revoked at 2025-01-02T03:04:06.000Z`),
    });
    const fresh = await signedFixture('hello-pack', next, { version: '0.2.0' });
    expect((await t.reg.client(t.acme).publish(fresh.tgz, fresh.bundle)).key_id).toBe(next.keyId);
  });

  it('flags an earlier version at install and fails one dated after the revocation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-keys-'));
    dirs.push(dir);
    const client = t.reg.client(t.acme);
    const result = await installPacks({ registry: client, project: dir,
      specs: ['hello-pack@0.1.0'] });
    expect(result.warnings).toEqual([`hello-pack@0.1.0 is signed by key ${t.acmeKey.keyId}, ` +
      'revoked at 2025-01-02T03:04:06.000Z (after it was published)']);

    // A registry cannot serve this (it refuses such publishes): a rewritten date stands in.
    const lying: InstallRegistry = { resolve: (id, r) => client.resolve(id, r),
      fetchBytes: (u) => client.fetchBytes(u), getKey: (k) => client.getKey(k),
      getVersion: async (id, v) => ({ ...(await client.getVersion(id, v)),
        published_at: '2025-01-02T03:05:00.000Z' }) };
    await expect(installPacks({ registry: lying, project: dir, specs: [] })).rejects
      .toMatchObject({ code: 'signature_invalid' });
  });
});

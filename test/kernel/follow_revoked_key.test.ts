/**
 * A deployment pinning a version whose signing key was revoked after it was
 * published: the version still verifies (as `cordum pack install` installs
 * it, with a warning), and the engine says so in its log, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import {
  ADMIN_TOKEN, adminJson, registeredKey, signedFixture, startTestRegistry, type TestRegistry,
} from '../registry/helpers.js';
import { DeploymentFollower } from '../../engine/kernel/follow.js';
import { RegistryDeploymentSource } from '../../engine/kernel/registry_source.js';
import type { KeyPair } from '../../packs/signing/keys.js';
import { openTestKernel, type TestKernel } from './helpers.js';

let reg: TestRegistry;
let k: TestKernel;
let key: KeyPair;

async function send(method: string, path: string, body?: unknown) {
  await adminJson(reg, method, path, body);
}

beforeAll(async () => {
  reg = await startTestRegistry(pgliteBackend);
  key = await registeredKey(reg);
  const pack = await signedFixture('hello-pack', key, { version: '0.1.0' });
  await reg.admin.publish(pack.tgz, pack.bundle);
  // In use, so revoked rather than removed.
  await send('DELETE', `/v1/keys/${key.keyId}`);
  await send('PUT', '/v1/deployments/prod', { packs: [{ id: 'hello-pack', range: '0.1.0' }] });
  k = await openTestKernel(pgliteBackend);
});

afterAll(async () => {
  await k?.close();
  await reg?.close();
});

describe('a pinned pack signed by a key revoked since', () => {
  it('is taken, and said in the log once', async () => {
    const lines: Record<string, unknown>[] = [];
    const source = new RegistryDeploymentSource({ url: reg.url, deployment: 'prod',
      token: ADMIN_TOKEN });
    const follower = new DeploymentFollower(source, k.kernel,
      { log: (level, msg, fields) => lines.push({ level, msg, ...fields }) });

    expect((await follower.pollOnce()).kind).toBe('swapped');
    await send('PUT', '/v1/deployments/prod', { tenant: 'acme',
      packs: [{ id: 'hello-pack', range: '0.1.0' }] });
    expect((await follower.pollOnce()).kind).toBe('swapped');
    await follower.stop();

    expect(lines.filter((l) => l.level === 'warn')).toEqual([{ level: 'warn',
      msg: 'a pinned pack is signed by a revoked key', deployment: 'prod',
      pack_id: 'hello-pack', version: '0.1.0', key_id: key.keyId,
      key_revoked_at: expect.stringMatching(/^\d{4}-/) }]);
  });
});

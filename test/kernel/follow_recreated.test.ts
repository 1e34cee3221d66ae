/**
 * A deployment deleted and made again under its name starts over at
 * generation 1. When its new pins share their policy with the old ones
 * (one snapshot hash), the follower must still take it: the pack versions,
 * and so the workflows, are not the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import {
  ADMIN_TOKEN, adminJson, registeredKey, signedFixture, startTestRegistry, type TestRegistry,
} from '../registry/helpers.js';
import { activeContentsKey } from '../../engine/kernel/pack_contents.js';
import { openKernel } from '../../engine/kernel/wiring.js';
import { openTestKernel, type TestKernel } from './helpers.js';

let reg: TestRegistry;
let k: TestKernel;

async function send(method: string, path: string, body?: unknown) {
  return adminJson<{ generation: number; snapshot_hash: string }>(reg, method, path, body);
}

/** Deletes deployment prod and makes it again pinning `version` of hello-pack. */
async function remake(version: string) {
  await send('DELETE', '/v1/deployments/prod');
  return send('PUT', '/v1/deployments/prod', { packs: [{ id: 'hello-pack', range: version }] });
}

beforeAll(async () => {
  reg = await startTestRegistry(pgliteBackend);
  const key = await registeredKey(reg);
  for (const version of ['0.1.0', '0.1.1', '0.1.2']) {
    const pack = await signedFixture('hello-pack', key, { version });
    await reg.admin.publish(pack.tgz, pack.bundle);
  }
  k = await openTestKernel(pgliteBackend);
});

afterAll(async () => {
  await k?.close();
  await reg?.close();
});

describe('following a deployment deleted and made again', () => {
  it('takes the new pack versions though generation and hash are as before', async () => {
    const first = await send('PUT', '/v1/deployments/prod',
      { packs: [{ id: 'hello-pack', range: '0.1.0' }] });
    const registry = { url: reg.url, token: ADMIN_TOKEN, deployment: 'prod',
      intervalMs: 60_000 };
    const parts = await openKernel({ db: k.db, record: false, registry });
    const running = () => parts.contents!.forKey(activeContentsKey(parts.kernel.current()));
    try {
      expect(running()!.packs).toEqual([{ id: 'hello-pack', version: '0.1.0' }]);

      const again = await remake('0.1.1');
      // What the follower compared before: the same generation and snapshot hash.
      expect(again).toMatchObject({ generation: first!.generation,
        snapshot_hash: first!.snapshot_hash });
      expect(await parts.follower!.pollOnce()).toMatchObject({ kind: 'swapped',
        generation: 1 });
      expect(parts.kernel.status().source.packs).toEqual([{ id: 'hello-pack',
        version: '0.1.1', sha256: expect.any(String), key_id: expect.any(String) }]);
      expect(running()!.packs).toEqual([{ id: 'hello-pack', version: '0.1.1' }]);
    } finally {
      await parts.close();
    }

    // While the engine is stopped: a restart compares with what the history says it took.
    await remake('0.1.2');
    const restarted = await openKernel({ db: k.db, record: false, registry });
    try {
      expect(restarted.kernel.status().source.packs).toEqual([{ id: 'hello-pack',
        version: '0.1.2', sha256: expect.any(String), key_id: expect.any(String) }]);
      expect(restarted.contents!.forKey(activeContentsKey(restarted.kernel.current()))!.packs)
        .toEqual([{ id: 'hello-pack', version: '0.1.2' }]);
      expect(restarted.ready()).toBe(true);
    } finally {
      await restarted.close();
    }
  });
});

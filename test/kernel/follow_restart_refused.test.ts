/**
 * An engine restarted while the deployment it follows is refused (a pin
 * signed by an untrusted key) or gone: before the restart the last good
 * snapshot kept deciding and running its workflows; after it, the same, with
 * its own packs' workflows and its deployment's tenant, not an engine that
 * decides but starts no run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import {
  ADMIN_TOKEN, adminJson, registeredKey, signedFixture, startTestRegistry, type TestRegistry,
} from '../registry/helpers.js';
import { activeContentsKey } from '../../engine/kernel/pack_contents.js';
import { openKernel, type KernelParts } from '../../engine/kernel/wiring.js';
import { openTestKernel, type TestKernel } from './helpers.js';

let reg: TestRegistry;
let k: TestKernel;
let keys: string;

async function send(method: string, path: string, body?: unknown) {
  await adminJson(reg, method, path, body);
}

beforeAll(async () => {
  reg = await startTestRegistry(pgliteBackend);
  const key = await registeredKey(reg);
  const stranger = await registeredKey(reg);
  const good = await signedFixture('hello-pack', key, { version: '0.1.0' });
  const untrusted = await signedFixture('hello-pack', stranger, { version: '0.1.1' });
  await reg.admin.publish(good.tgz, good.bundle);
  await reg.admin.publish(untrusted.tgz, untrusted.bundle);
  // Only the first key is trusted: 0.1.1 is refused.
  keys = mkdtempSync(join(tmpdir(), 'cordum-restart-keys-'));
  writeFileSync(join(keys, `${key.keyId}.pem`), key.publicPem);
  k = await openTestKernel(pgliteBackend);
});

afterAll(async () => {
  await k?.close();
  await reg?.close();
  if (keys) rmSync(keys, { recursive: true, force: true });
});

/** The workflows' packs and tenant the engine runs with, when it can run at all. */
function running(parts: KernelParts) {
  const contents = parts.contents!.forKey(activeContentsKey(parts.kernel.current()));
  return contents && { packs: contents.packs, tenant: contents.tenant };
}

describe('a restart while the followed deployment is refused', () => {
  it('runs the kept snapshot\'s workflows as its tenant, as before the restart', async () => {
    const registry = { url: reg.url, token: ADMIN_TOKEN, deployment: 'prod', keysDir: keys,
      intervalMs: 60_000 };
    await send('PUT', '/v1/deployments/prod', { tenant: 'acme',
      packs: [{ id: 'hello-pack', range: '0.1.0' }] });
    const kept = { packs: [{ id: 'hello-pack', version: '0.1.0' }], tenant: 'acme' };
    const first = await openKernel({ db: k.db, record: false, registry });
    expect(running(first)).toEqual(kept);
    // A change refused while running: the last good snapshot keeps running.
    await send('PUT', '/v1/deployments/prod', { tenant: 'acme',
      packs: [{ id: 'hello-pack', range: '0.1.1' }] });
    expect(await first.follower!.pollOnce()).toMatchObject({ kind: 'refused' });
    expect(first.ready()).toBe(true);
    await first.close();

    const restarted = await openKernel({ db: k.db, record: false, registry });
    try {
      expect(restarted.kernel.status().lastError?.code).toBe('snapshot_unverified');
      expect(running(restarted)).toEqual(kept);
      expect(restarted.ready()).toBe(true);
    } finally {
      await restarted.close();
    }

    // The deployment deleted: the same.
    await send('DELETE', '/v1/deployments/prod');
    const again = await openKernel({ db: k.db, record: false, registry });
    try {
      expect(again.kernel.status().lastError?.code).toBe('deployment_not_found');
      expect(running(again)).toEqual(kept);
      expect(again.ready()).toBe(true);
    } finally {
      await again.close();
    }
  });

  it('rolls back to a generation as the tenant it had', async () => {
    const registry = { url: reg.url, token: ADMIN_TOKEN, deployment: 'stage', keysDir: keys,
      intervalMs: 60_000 };
    await send('PUT', '/v1/deployments/stage', { tenant: 'acme',
      packs: [{ id: 'hello-pack', range: '0.1.0' }] });
    const parts = await openKernel({ db: k.db, record: false, registry });
    try {
      const acme = parts.kernel.current();
      await send('PUT', '/v1/deployments/stage', { tenant: 'beta',
        packs: [{ id: 'hello-pack', range: '0.1.0' }] });
      expect(await parts.follower!.pollOnce()).toMatchObject({ kind: 'swapped' });
      expect(running(parts)?.tenant).toBe('beta');

      await parts.kernel.rollback(acme.version);
      for (let i = 0; i < 100 && !parts.ready(); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(running(parts)).toEqual({ packs: [{ id: 'hello-pack', version: '0.1.0' }],
        tenant: 'acme' });
    } finally {
      await parts.close();
    }
  });
});

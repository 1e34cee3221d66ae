/**
 * Several engine processes following one deployment on one database share
 * its runs (the run queue hands each to whichever is free). A rollback asked
 * of one of them must hold in all of them, or the same run would be decided
 * by the rolled-back policy or the newest depending on which process took it.
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

async function put(path: string, body: unknown) {
  await adminJson(reg, 'PUT', path, body);
}

beforeAll(async () => {
  reg = await startTestRegistry(pgliteBackend);
  const key = await registeredKey(reg);
  const pack = await signedFixture('hello-pack', key, { version: '0.1.0' });
  await reg.admin.publish(pack.tgz, pack.bundle);
  await put('/v1/deployments/prod', { packs: [{ id: 'hello-pack', range: '0.1.0' }] });
  k = await openTestKernel(pgliteBackend);
});

afterAll(async () => {
  await k?.close();
  await reg?.close();
});

describe('a rollback on one of two engines following one deployment', () => {
  it('holds in the other at its next poll, until the deployment changes', async () => {
    const registry = { url: reg.url, token: ADMIN_TOKEN, deployment: 'prod',
      intervalMs: 60_000 };
    const one = await openKernel({ db: k.db, record: false, registry });
    const two = await openKernel({ db: k.db, record: false, registry });
    try {
      const first = one.kernel.current();
      await put('/v1/deployments/prod/policy-bundles/freeze', { fragment: { rules: [
        { id: 'freeze-all', match: { topics: ['job.hello-pack.*'] }, decision: 'deny' }] } });
      expect((await one.follower!.pollOnce()).kind).toBe('swapped');
      expect((await two.follower!.pollOnce()).kind).toBe('swapped');
      expect(two.kernel.current().version).toBe(one.kernel.current().version);

      const back = await one.kernel.rollback(first.version);
      expect(await two.follower!.pollOnce()).toEqual({ kind: 'unchanged' });
      expect(two.kernel.current()).toMatchObject({ version: back.version,
        source: { kind: 'rollback', restored: first.version } });
      expect(two.kernel.decide({ topic: 'job.hello-pack.echo' }).snapshotHash)
        .toBe(first.snapshot.hash);
      // Its own packs' workflows come with it, as with a rollback made there.
      for (let i = 0; i < 100 && !two.ready(); i++) await new Promise((r) => setTimeout(r, 20));
      expect(two.contents!.forKey(activeContentsKey(two.kernel.current()))).toBeDefined();
      // Polled again, nothing more happens.
      expect(await two.follower!.pollOnce()).toEqual({ kind: 'unchanged' });
      expect(two.kernel.current().version).toBe(back.version);

      // The deployment changes: both take it.
      await put('/v1/deployments/prod/policy-bundles/freeze', { fragment: { rules: [
        { id: 'gate-all', match: { topics: ['job.hello-pack.*'] },
          decision: 'require_approval' }] } });
      expect((await two.follower!.pollOnce()).kind).toBe('swapped');
      expect((await one.follower!.pollOnce()).kind).toBe('swapped');
      expect(one.kernel.current().version).toBe(two.kernel.current().version);
      expect(one.kernel.decide({ topic: 'job.hello-pack.echo' }).ruleId).toBe('gate-all');
    } finally {
      await two.close();
      await one.close();
    }
  });
});

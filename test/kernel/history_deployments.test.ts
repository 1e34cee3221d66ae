/**
 * One engine database, two deployments with the same content (an engine
 * switched from one to the other, or two engines on one PostgreSQL): each
 * deployment's snapshot is a row of its own, so a restart finds it and a
 * rollback may restore it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import { buildSnapshot } from '../../packs/policy/snapshot.js';
import type { SnapshotSource } from '../../engine/kernel/holder.js';
import { openTestKernel, type TestKernel } from './helpers.js';

const deny = buildSnapshot([{ packId: 'p', fragment: { rules: [
  { id: 'deny-all', match: {}, decision: 'deny' }] } }]);

function from(deployment: string): SnapshotSource {
  return { kind: 'deployment', deployment, generation: 1, tenant: 'default',
    packs: [{ id: 'p', version: '1.0.0', sha256: 'a'.repeat(64), key_id: 'b'.repeat(64) }],
    bundles: [] };
}

describe('snapshots of two deployments with the same content', () => {
  let k: TestKernel | undefined;
  afterEach(async () => {
    await k?.close();
    k = undefined;
  });

  it('keeps a row for each deployment', async () => {
    k = await openTestKernel(pgliteBackend);
    const prod = await k.kernel.activate(deny, from('prod'));
    const stage = await k.kernel.activate(deny, from('stage'));

    expect(stage.version).toBe(prod.version + 1);
    expect(stage.source.deployment).toBe('stage');
    expect(await k.kernel.history.latestOf('stage')).toMatchObject({ version: stage.version });
    expect(await k.kernel.history.takenFrom('stage')).toMatchObject({ generation: 1 });
    // Stage's again, its own newest row: no row is added.
    expect((await k.kernel.activate(deny, from('stage'))).version).toBe(stage.version);
  });
});

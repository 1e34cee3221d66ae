/** The snapshot history and the decision recorder on both storage backends. */
import { afterEach, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { buildSnapshot } from '../../packs/policy/snapshot.js';
import { PolicyHistory } from '../../engine/kernel/history.js';
import { PolicyKernel } from '../../engine/kernel/kernel.js';
import { openTestKernel, type TestKernel } from './helpers.js';

const deny = buildSnapshot([{ packId: 'p', fragment: { rules: [
  { id: 'deny-all', match: {}, decision: 'deny' }] } }]);
const allow = buildSnapshot([{ packId: 'p', fragment: { rules: [
  { id: 'allow-all', match: {}, decision: 'allow' }] } }]);
const gate = buildSnapshot([{ packId: 'p', fragment: { rules: [
  { id: 'gate-all', match: {}, decision: 'require_approval' }] } }]);

describe.each(backends())('policy history on $name', (backend) => {
  let k: TestKernel | undefined;
  afterEach(async () => {
    await k?.close();
    k = undefined;
  });

  it('numbers snapshots, keeps each once, and answers a kept one', async () => {
    k = await openTestKernel(backend);
    const first = k.kernel.current();
    expect(first).toMatchObject({ version: 1, source: { kind: 'empty' } });
    await k.kernel.activate(deny, { kind: 'project' });
    // The same snapshot from the same kind of source again: no new row, no reload.
    await k.kernel.activate(deny, { kind: 'project' });
    const list = await k.kernel.history.list();
    expect(list.map((e) => [e.version, e.hash, e.rules])).toEqual([[2, deny.hash, 1],
      [1, first.snapshot.hash, 0]]);
    expect(k.kernel.reloadCount()).toBe(1);
    expect((await k.kernel.history.get(2)).snapshot.rules[0]!.id).toBe('deny-all');
    await expect(k.kernel.history.get(7)).rejects.toMatchObject({ code: 'version_not_found' });
  });

  it('keeps a deployment snapshot once, whatever order its source was read back in', async () => {
    k = await openTestKernel(backend);
    const source = { kind: 'deployment' as const, deployment: 'prod', generation: 3,
      packs: [{ id: 'p', version: '1.0.0', sha256: 'ab' }], bundles: [{ name: 'b', version: 1 }] };
    await k.kernel.activate(deny, source);
    // As a restart's first poll sees it: the same packs, keys in another order (jsonb
    // keeps its own order, so the row read back never matched the one written).
    await k.kernel.activate(deny, { ...source,
      packs: [{ sha256: 'ab', version: '1.0.0', id: 'p' }], bundles: [{ version: 1, name: 'b' }] });
    expect((await k.kernel.history.list()).map((e) => e.version)).toEqual([2, 1]);
  });

  it('keeps a rollback across a restart of the same project, until the project changes',
    async () => {
    k = await openTestKernel(backend, deny);
    await k.kernel.activate(allow, { kind: 'project' });
    const back = await k.kernel.rollback(1);
    expect(back).toMatchObject({ version: 3, source: { kind: 'rollback', restored: 1 } });
    // A restart (serve opening the kernel on the same project): the rollback decides still.
    const history = await PolicyHistory.open(k.db);
    const restarted = await PolicyKernel.open({ history, snapshot: allow });
    expect(restarted.current()).toMatchObject({ version: 3, source: { kind: 'rollback' } });
    expect(restarted.decide({ topic: 'job.p.x' })).toMatchObject({ decision: 'deny',
      ruleId: 'deny-all', snapshotVersion: 3 });
    expect((await history.list()).map((e) => e.version)).toEqual([3, 2, 1]);
    // The project changed since: its new policy is taken as a new row.
    const changed = await PolicyKernel.open({ history, snapshot: gate });
    expect(changed.current()).toMatchObject({ version: 4, source: { kind: 'project' } });
    expect(changed.decide({ topic: 'job.p.x' }).decision).toBe('require_approval');
    // Every pack removed since a rollback, the empty project being a row of its own from
    // before: what the rollback overrode (the gate) is gone, so it gives way.
    const none = buildSnapshot([]);
    await changed.activate(none, { kind: 'empty' });
    await changed.activate(gate, { kind: 'project' });
    await changed.rollback(2);
    const emptied = await PolicyKernel.open({ history, snapshot: none });
    expect(emptied.current()).toMatchObject({ version: 8, source: { kind: 'empty' } });
  });

  it('records decisions in batches with their snapshot and request id', async () => {
    k = await openTestKernel(backend, deny);
    for (let i = 0; i < 1203; i++) {
      k.kernel.decide({ topic: `job.p.t${i}` }, { requestId: `q${i}` });
    }
    const rows = await k.kernel.recorder!.list({ snapshotHash: deny.hash, limit: 5000 });
    expect(rows).toHaveLength(1203);
    expect(rows[1202]).toMatchObject({ request: { topic: 'job.p.t1202' }, decision: 'deny',
      ruleId: 'deny-all', snapshotVersion: 1, requestId: 'q1202' });
    expect(await k.kernel.recorder!.list({ snapshotHash: 'sha256:other' })).toEqual([]);
  });
});

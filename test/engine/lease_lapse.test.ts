/**
 * A process that paused past its lease on a run (stopped, swapped out)
 * writes nothing of that run until a renewal says it still holds it: if
 * another process took the run over meanwhile, its late changes are
 * dropped instead of overwriting the new owner's rows.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openEngineStore, type EngineStore } from '../../engine/store.js';
import { backends } from '../helpers/databases.js';
import { freshDatabase, workflow } from './fixtures.js';

const flow = workflow('lapse', { a: { type: 'worker', topic: 'job.demo.a' } });

/** A pending run of `flow`, recorded. */
async function recorded(store: EngineStore): Promise<string> {
  const id = randomUUID();
  store.createRun({ id, workflow_id: flow.id, tenant_id: 'default', input: {},
    snapshot_hash: 'sha256:test', workflow: flow }, [{ step_id: 'a', type: 'worker' }]);
  await store.flush(id);
  return id;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(backends())('a lease that ran out in a paused process, on $name', (backend) => {
  it('drops the paused process changes once another process has taken the run', async () => {
    const { open } = await freshDatabase(backend);
    const [mine, theirs] = [await open(), await open()];
    try {
      const paused = await openEngineStore(mine);
      const other = await openEngineStore(theirs);
      const id = await recorded(paused);
      expect(await paused.claimRun(id, ['pending'], { owner: 'paused', ms: 100 })).toBeDefined();
      await pause(200);
      expect(await other.claimRun(id, ['pending'], { owner: 'other', ms: 60_000 }))
        .toBeDefined();

      // The paused process goes on where it was, unaware.
      await paused.updateStep(id, 'a', { status: 'succeeded', output: { late: true } });
      await expect(paused.flush(id)).rejects.toMatchObject({ code: 'lease_lost' });
      await paused.flush();
      const view = (await other.view(id))!;
      expect(view.run).toMatchObject({ status: 'running' });
      expect(view.steps[0]).toMatchObject({ step_id: 'a', status: 'pending' });
      const owner = await theirs.query('SELECT lease_owner FROM engine_runs WHERE id = $1', [id]);
      expect(owner.rows[0]).toEqual({ lease_owner: 'other' });
    } finally {
      await mine.close();
      await theirs.close();
    }
  });

  it('writes them once a renewal finds the run still its own', async () => {
    const { open } = await freshDatabase(backend);
    const db = await open();
    try {
      const store = await openEngineStore(db);
      const id = await recorded(store);
      await store.claimRun(id, ['pending'], { owner: 'slow', ms: 100 });
      await pause(200);
      expect(await store.renewLease(id, 'slow', 60_000)).toBe(false);
      await store.updateStep(id, 'a', { status: 'succeeded', output: { ok: true } });
      await store.flush(id);
      const row = await db.query('SELECT status FROM engine_steps WHERE run_id = $1', [id]);
      expect(row.rows[0]).toEqual({ status: 'succeeded' });
    } finally {
      await db.close();
    }
  });
});

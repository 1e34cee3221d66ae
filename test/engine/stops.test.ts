/**
 * Runs stopped at awkward moments: a cancel that lands before a job with
 * its own time limit leaves, a lease taken by another process while a job
 * is in flight, and a parent cancelled or out of time while its
 * subworkflow child runs here.
 */
import { describe, expect, it } from 'vitest';
import { builtinHandler } from '../../engine/handlers/builtin.js';
import { httpHandler } from '../../engine/handlers/http.js';
import { handlerTable } from '../../engine/handlers/table.js';
import type { RunView } from '../../engine/records.js';
import type { Engine } from '../../engine/runner.js';
import type { Workflow } from '../../packs/workflow/types.js';
import { backends } from '../helpers/databases.js';
import {
  DEMO_SCHEMAS, DEMO_WORKFLOWS, demoSnapshot, workflow,
} from './fixtures.js';
import { engineSuite } from './suite.js';

const meta = { pack_id: 'demo', capability: 'demo.echo' };
const slow = (sleep_ms: number, extra: Record<string, unknown> = {}) => ({
  type: 'worker' as const,
  topic: 'job.demo.slow',
  input: { message: 'slow', sleep_ms },
  meta,
  ...extra,
});

const WORKFLOWS: Workflow[] = [
  workflow('limited', { call: slow(2000, { timeout_sec: 10 }) }),
  workflow('two', { first: slow(1500), second: { ...slow(0), depends_on: ['first'] } }),
  workflow('child', { call: slow(3000) }),
  workflow('failing', {
    call: {
      ...slow(0),
      input: { message: 'x', status: 500 },
      retry: { max_retries: 2, initial_backoff_sec: 1, multiplier: 2 },
    },
  }),
  workflow('timed', { first: slow(1200), second: { ...slow(1200), depends_on: ['first'] } },
    { timeout_sec: 3 }),
  workflow('patient', { first: slow(800), second: { ...slow(200), depends_on: ['first'] } },
    { timeout_sec: 3 }),
  workflow('parent', { sub: { type: 'subworkflow', workflow: 'demo.child', input: {} } }),
  workflow('asks', { sub: { type: 'subworkflow', workflow: 'demo.guarded', input: {} } }),
  workflow('hurried', {
    sub: { type: 'subworkflow', workflow: 'demo.child', input: {}, timeout_sec: 0.3 },
  }),
];

const stepOf = (view: RunView, id: string) => view.steps.find((s) => s.step_id === id)!;

describe.each(backends())('stopping runs on $name', (backend) => {
  const suite = engineSuite(backend, (worker) => ({
    snapshot: demoSnapshot(),
    workflows: [...WORKFLOWS, ...DEMO_WORKFLOWS],
    schemas: DEMO_SCHEMAS,
    handlers: handlerTable([
      { topics: ['job.demo.slow'], handler: httpHandler({ url: worker.url }) },
      { topics: ['job.demo.*'], handler: builtinHandler('echo') },
    ]),
  }));
  const { engine } = suite;
  /** The first process dies (its database goes); past its lease, a second one starts. */
  const takeOver = async (after = 400) => {
    await suite.db(0).close();
    await new Promise((r) => setTimeout(r, after));
    return engine({ leaseMs: 300 });
  };

  const jobSent = async () => {
    for (let i = 0; i < 200 && suite.worker.jobs.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(suite.worker.jobs).toHaveLength(1);
  };

  it('sends no job when the run is cancelled before an attempt with its own limit', async () => {
    let e: Engine | undefined;
    e = await engine({
      // The debugger's pause is where a cancel from outside lands before the job leaves.
      beforeStep: async (pause) => {
        await e!.cancel(pause.run_id);
      },
    });
    const view = await e.start('demo.limited', {});
    expect(suite.worker.jobs).toHaveLength(0);
    expect(view.run.status).toBe('cancelled');
    expect(stepOf(view, 'call')).toMatchObject({
      status: 'cancelled',
      error: { code: 'run_cancelled' },
    });
  });

  it('writes nothing more for a run whose lease another process took', async () => {
    const e = await engine({ leaseMs: 300 });
    const id = await e.record('demo.two', {});
    const running = e.resume(id);
    await jobSent();
    // Another process takes the run over (as after a pause longer than the lease).
    await suite.db().query(
      `UPDATE engine_runs SET lease_owner = 'other', lease_until = now() + interval '1 hour'
       WHERE id = $1`,
      [id],
    );
    const started = Date.now();
    await running;
    // The job in flight was stopped on the next renewal, not waited for (it takes 1.5 s).
    expect(Date.now() - started).toBeLessThan(1200);
    await new Promise((r) => setTimeout(r, 200));
    const run = await suite.db().query('SELECT status, lease_owner FROM engine_runs WHERE id = $1',
      [id]);
    expect(run.rows[0]).toEqual({ status: 'running', lease_owner: 'other' });
    const view = await e.view(id);
    // As it was when the job left: the new owner sends it again under the same key.
    expect(stepOf(view, 'first')).toMatchObject({ status: 'running', attempts: 1 });
    expect(stepOf(view, 'first').error).toBeUndefined();
    expect(stepOf(view, 'second').status).toBe('pending');
    expect(await e.timeline(id)).not.toContainEqual(
      expect.objectContaining({ type: 'step_timed_out' }),
    );
  });

  it('goes on after a failed attempt when taken over during its backoff, within budget',
    async () => {
      const first = await engine({ leaseMs: 300 });
      const id = await first.record('demo.failing', {});
      const dying = first.resume(id).catch(() => undefined);
      for (let i = 0; i < 300 && suite.worker.jobs.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      // Attempt 2 failed and its 2 s backoff began: the process dies.
      await new Promise((r) => setTimeout(r, 100));
      const second = await takeOver();
      expect(await second.resumeDue()).toBe(1);
      await dying;
      const view = await second.view(id);
      // Attempt 2 is not sent again, and the budget (3 attempts) counts the dead process's.
      expect(suite.worker.jobs.map((j) => j.body.idempotency_key)).toEqual(
        [1, 2, 3].map((n) => `${id}:call:${n}`));
      expect(view.run.status).toBe('failed');
      expect(stepOf(view, 'call')).toMatchObject({ status: 'failed', attempts: 3,
        error: { code: 'handler_failed', details: { attempts: 3 } } });
    });

  it('counts the time a run had with a dead process against its timeout_sec', async () => {
    const first = await engine({ leaseMs: 300 });
    const id = await first.record('demo.timed', {});
    const dying = first.resume(id).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1000));
    const second = await takeOver();
    expect(await second.resumeDue()).toBe(1);
    await dying;
    // About 1 s was gone at the takeover: 2.4 s more of jobs do not fit in the 3 s.
    const view = await second.view(id);
    expect(view.run.status).toBe('timed_out');
    expect(view.run.active_ms).toBeGreaterThanOrEqual(3000);
    expect(view.run.active_ms).toBeLessThan(4500);
  });

  it('never answers a cancel that raced an approval as done when the run went on', async () => {
    const e = await engine();
    for (let i = 0; i < 12; i++) {
      const parked = await e.start('demo.guarded', { message: `race ${i}` });
      expect(parked.run.status).toBe('waiting');
      const [, cancel] = await Promise.allSettled([e.approve(parked.run.id, 'write'),
        e.cancel(parked.run.id)]);
      const final = (await e.view(parked.run.id)).run.status;
      if (cancel.status === 'fulfilled') expect(final).toBe('cancelled');
      else expect([final, (cancel.reason as { code: string }).code]).toEqual(
        ['succeeded', 'run_finished']);
    }
  });

  it('does not count the time nobody ran the run against its timeout_sec', async () => {
    const first = await engine({ leaseMs: 300 });
    const id = await first.record('demo.patient', {});
    const dying = first.resume(id).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 400));
    // 2.5 s dead: counted, the 3 s would be gone before the 1 s of jobs taken over.
    const second = await takeOver(2500);
    expect(await second.resumeDue()).toBe(1);
    await dying;
    const view = await second.view(id);
    expect(view.run.status).toBe('succeeded');
    expect(view.run.active_ms).toBeGreaterThanOrEqual(1000);
    expect(view.run.active_ms).toBeLessThan(2500);
  });

  it('takes over the runs of a dead process all at once, not one after another', async () => {
    const first = await engine({ leaseMs: 300 });
    const ids = await Promise.all([1, 2, 3].map(() => first.record('demo.child', {})));
    const dying = ids.map((id) => first.resume(id).catch(() => undefined));
    for (let i = 0; i < 300 && suite.worker.jobs.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const second = await takeOver();
    const started = Date.now();
    expect(await second.resumeDue()).toBe(3);
    // Each job takes 3 s: one after another would take 9 s.
    expect(Date.now() - started).toBeLessThan(6000);
    await Promise.all(dying);
    for (const id of ids) expect((await second.view(id)).run.status).toBe('succeeded');
    expect(suite.worker.jobs).toHaveLength(6);
  });

  it('cancels the subworkflow child with its parent', async () => {
    const e = await engine();
    const id = await e.record('demo.parent', {});
    const running = e.resume(id);
    await jobSent();
    const started = Date.now();
    await e.cancel(id);
    await running;
    // The child's job takes 3 s: it was stopped, not waited for.
    expect(Date.now() - started).toBeLessThan(2000);
    const parent = await e.view(id);
    expect(parent.run.status).toBe('cancelled');
    expect(stepOf(parent, 'sub')).toMatchObject({
      status: 'cancelled',
      error: { code: 'run_cancelled' },
    });
    const child = await e.view(stepOf(parent, 'sub').job!.job_id);
    expect(child.run.status).toBe('cancelled');
    expect(stepOf(child, 'call').status).toBe('cancelled');
  });

  it('cancels a waiting subworkflow child when its parked parent is cancelled', async () => {
    const e = await engine();
    const parked = await e.start('demo.asks', {});
    expect(parked.run.status).toBe('waiting');
    const childId = stepOf(parked, 'sub').job!.job_id;
    expect((await e.view(childId)).approvals[0]).toMatchObject({ status: 'pending' });
    const parent = await e.cancel(parked.run.id);
    expect(parent.run.status).toBe('cancelled');
    expect(stepOf(parent, 'sub').status).toBe('cancelled');
    const child = await e.view(childId);
    expect(child.run.status).toBe('cancelled');
    expect(child.approvals[0]).toMatchObject({ step_id: 'write', status: 'cancelled' });
    expect(stepOf(child, 'write').status).toBe('cancelled');
  });

  it('times a subworkflow step out at its timeout_sec and cancels the child', async () => {
    const e = await engine();
    const started = Date.now();
    const view = await e.start('demo.hurried', {});
    expect(Date.now() - started).toBeLessThan(2000);
    expect(view.run.status).toBe('timed_out');
    expect(stepOf(view, 'sub')).toMatchObject({
      status: 'timed_out',
      error: { code: 'step_timed_out' },
    });
    const child = await e.view(stepOf(view, 'sub').job!.job_id);
    expect(child.run.status).toBe('cancelled');
  });
});

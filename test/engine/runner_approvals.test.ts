/**
 * The runner's approvals on each backend: a run waits for one, survives
 * its process and resumes in another on approval; a rejection fails the
 * step and the run; a step approved by another process while the run is
 * busy still runs, as does a for_each item approved while its parent runs;
 * an approval step's output and the notify after it.
 */
import { describe, expect, it } from 'vitest';
import { handlerTable } from '../../engine/handlers/table.js';
import type { JobHandler } from '../../engine/handlers/types.js';
import { createEngine } from '../../engine/runner.js';
import { backends } from '../helpers/databases.js';
import { DEMO_SCHEMAS, DEMO_WORKFLOWS, demoSnapshot, rejection, workflow } from './fixtures.js';
import { stepOf } from './held.js';
import { demoEngineSuite } from './suite.js';

const snapshot = demoSnapshot();

describe.each(backends())('runner on $name', (backend) => {
  const suite = demoEngineSuite(backend, snapshot);
  const { engine } = suite;

  it('waits for approval, survives the process, and resumes in a new engine', async () => {
    const first = await engine();
    const waiting = await first.start('demo.guarded', { message: 'ship it' });
    expect(waiting.run.status).toBe('waiting');
    expect(stepOf(waiting, 'write')).toMatchObject({
      status: 'waiting',
      attempts: 0,
      decision: {
        decision: 'require_approval',
        rule_id: 'demo-write-approval',
        reason: 'Writes need a person',
        snapshot_hash: snapshot.hash,
      },
    });
    expect(stepOf(waiting, 'confirm').status).toBe('pending');
    expect(waiting.approvals).toMatchObject([
      {
        step_id: 'write',
        status: 'pending',
        rule_id: 'demo-write-approval',
        reason: 'Writes need a person',
      },
    ]);
    await suite.closeAll();

    // A new process: new connections, a new engine, only the database in common.
    const second = await engine();
    const done = await second.approve(waiting.run.id, 'write', { note: 'looks good', by: 'ana' });
    expect(done.run.status).toBe('succeeded');
    const write = stepOf(done, 'write');
    expect(write).toMatchObject({ status: 'succeeded', attempts: 1, output: { echo: 'ship it' } });
    expect(write.started_at).toBe(stepOf(waiting, 'write').started_at);
    expect(stepOf(done, 'confirm')).toMatchObject({
      status: 'succeeded',
      output: { echo: 'confirmed ship it' },
    });
    expect(done.approvals).toMatchObject([
      { step_id: 'write', status: 'approved', note: 'looks good', decided_by: 'ana' },
    ]);

    const timeline = await second.timeline(done.run.id);
    const dispatched = timeline.filter((t) => t.type === 'job_dispatched').map((t) => t.step_id);
    expect(dispatched).toEqual(['write', 'confirm']);
    expect(timeline.filter((t) => t.type === 'decision').map((t) => t.step_id)).toEqual([
      'write',
      'confirm',
    ]);

    const again = await rejection(second.approve(done.run.id, 'write'));
    expect(again.code).toBe('approval_not_pending');
    const none = await rejection(second.approve(done.run.id, 'wirte'));
    const noInput = await rejection(second.giveInput(done.run.id, 'wirte', {}));
    expect([none.code, noInput.code, none.message]).toEqual(['step_not_found', 'step_not_found',
      `run ${done.run.id} has no step "wirte" (steps: write, confirm)`]);
  });

  it('does not count time spent waiting for approval against timeout_sec', async () => {
    const [guarded] = DEMO_WORKFLOWS.filter((w) => w.id === 'demo.guarded');
    const quick = { ...guarded!, id: 'demo.quick', timeout_sec: 5 };
    // The clock moves only when the test says: the run itself takes no time.
    let now = Date.parse('2025-01-01T00:00:00Z');
    const e = await engine({ workflows: [quick], clock: () => new Date(now) });
    const waiting = await e.start('demo.quick', { message: 'later' });
    expect(waiting.run.status).toBe('waiting');
    now += 60_000;
    const done = await e.approve(waiting.run.id, 'write');
    expect(done.run.status).toBe('succeeded');
    expect(done.run.active_ms).toBe(0);
    expect(done.run.finished_at).toBe('2025-01-01T00:01:00.000Z');
  });

  it('runs a step approved by another process while the run is busy', async () => {
    const writeMeta = { pack_id: 'demo', risk_tags: ['write'] };
    const twin = workflow('twin', {
      a: { type: 'worker', topic: 'job.demo.write', input: {}, meta: writeMeta },
      b: { type: 'worker', topic: 'job.demo.write', input: {}, meta: writeMeta },
    });
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = () => undefined as void;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    const calls: string[] = [];
    const slowA: JobHandler = {
      name: 'test:slow-a',
      async handle(job) {
        calls.push(job.step_id);
        if (job.step_id === 'a') {
          started();
          await gate;
        }
        return { done: job.step_id };
      },
    };
    const handlers = handlerTable([{ topics: ['job.demo.*'], handler: slowA }]);
    const first = await engine({ workflows: [twin], handlers });
    const waiting = await first.start('demo.twin', {});
    expect(waiting.steps.map((s) => s.status)).toEqual(['waiting', 'waiting']);

    const approvingA = first.approve(waiting.run.id, 'a');
    await inFlight;
    // PGlite is one process's database; PostgreSQL gets a second connection pool.
    const second =
      backend.name === 'postgres'
        ? await engine({ workflows: [twin], handlers })
        : await createEngine({
            db: suite.db(0),
            snapshot,
            workflows: [twin],
            schemas: DEMO_SCHEMAS,
            handlers,
          });
    const meanwhile = await second.approve(waiting.run.id, 'b');
    expect(meanwhile.run.status).toBe('running');
    expect(stepOf(meanwhile, 'b').status).toBe('pending');
    release();

    const done = await approvingA;
    expect(done.run.status).toBe('succeeded');
    expect(done.steps.map((s) => [s.step_id, s.status, s.attempts])).toEqual([
      ['a', 'succeeded', 1],
      ['b', 'succeeded', 1],
    ]);
    expect(calls).toEqual(['a', 'b']);
  });

  it.each(['this process', 'another process'])(
    'runs a for_each item approved by %s while another item of it is in flight',
    async (by) => {
      const { items, handlers, inFlight, release, calls } = gatedItems();
      const e = await engine({ workflows: [items], handlers });
      const waiting = await e.start('demo.items', {});
      expect(waiting.run.status).toBe('waiting');

      const approvingFirst = e.approve(waiting.run.id, 'each[0]');
      await inFlight;
      // PGlite is one process's database; PostgreSQL gets a second connection pool.
      const other = by === 'this process' ? e
        : backend.name === 'postgres' ? await engine({ workflows: [items], handlers })
        : await createEngine({ db: suite.db(0), snapshot, workflows: [items],
          schemas: DEMO_SCHEMAS, handlers });
      await other.approve(waiting.run.id, 'each[1]');
      release();

      await approvingFirst;
      const done = await e.view(waiting.run.id);
      expect(done.run.status).toBe('succeeded');
      expect(done.steps.map((s) => [s.step_id, s.status, s.attempts])).toEqual([
        ['each', 'succeeded', 0],
        ['each[0]', 'succeeded', 1],
        ['each[1]', 'succeeded', 1],
      ]);
      expect(stepOf(done, 'each').output).toEqual([{ done: 'each[0]' }, { done: 'each[1]' }]);
      expect(calls).toEqual(['each[0]', 'each[1]']);
    },
  );

  it('rejects a waiting step: the step and the run fail, the rest is cancelled', async () => {
    const e = await engine();
    const waiting = await e.start('demo.guarded', { message: 'risky' });
    const done = await e.reject(waiting.run.id, 'write', { note: 'not today' });

    expect(done.run.status).toBe('failed');
    expect(stepOf(done, 'write')).toMatchObject({
      status: 'failed',
      attempts: 0,
      error: { code: 'approval_rejected', message: 'approval rejected: not today' },
    });
    expect(stepOf(done, 'confirm').status).toBe('cancelled');
    expect(done.approvals[0]).toMatchObject({ status: 'rejected', note: 'not today' });
  });

  it('runs an approval step, then notifies with its note', async () => {
    const notes: unknown[] = [];
    const e = await engine({ notifier: { notify: (m) => void notes.push(m) } });
    const waiting = await e.start('demo.signoff', { release: '1.2' });
    expect(stepOf(waiting, 'ask')).toMatchObject({ status: 'waiting', input: { release: '1.2' } });
    expect(waiting.approvals[0]).toMatchObject({ reason: 'Sign off the release' });

    const done = await e.approve(waiting.run.id, 'ask', { note: 'go', by: 'lee' });
    expect(done.run.status).toBe('succeeded');
    expect(stepOf(done, 'ask').output).toMatchObject({
      approved: true,
      approved_by: 'lee',
      note: 'go',
    });
    expect(notes).toEqual([
      { run_id: done.run.id, step_id: 'tell', payload: { message: 'release 1.2 signed off: go' } },
    ]);
    const timeline = await e.timeline(done.run.id);
    expect(timeline.find((t) => t.type === 'notify')?.message).toBe('release 1.2 signed off: go');
  });

  it('gives an approval output all four keys, null for who and note when not given',
    async () => {
      const notes: unknown[] = [];
      const e = await engine({ notifier: { notify: (m) => void notes.push(m) } });
      for (const decided of [{}, { by: '' }]) {
        const waiting = await e.start('demo.signoff', { release: '1.3' });
        const done = await e.approve(waiting.run.id, 'ask', decided);
        const output = stepOf(done, 'ask').output as Record<string, unknown>;
        expect(Object.keys(output).sort()).toEqual(['approved', 'approved_at', 'approved_by',
          'note']);
        expect(output).toMatchObject({ approved: true, approved_by: null, note: null });
        expect(output.approved_at).toBe(done.approvals[0]!.decided_at);
      }
      expect(notes).toHaveLength(2);
    });
});

/**
 * A for_each step of two items that need approval, whose first item's job
 * waits (`inFlight` once sent) until `release`; `calls` lists the jobs sent.
 */
function gatedItems() {
  const items = workflow('items', {
    each: { type: 'worker', topic: 'job.demo.write', for_each: ['x', 'y'],
      input: { message: '${item}' }, meta: { pack_id: 'demo', risk_tags: ['write'] } },
  });
  let release = () => undefined as void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let started = () => undefined as void;
  const inFlight = new Promise<void>((resolve) => (started = resolve));
  const calls: string[] = [];
  const slowFirst: JobHandler = {
    name: 'test:slow-first',
    async handle(job) {
      calls.push(job.step_id);
      if (job.step_id === 'each[0]') {
        started();
        await gate;
      }
      return { done: job.step_id };
    },
  };
  const handlers = handlerTable([{ topics: ['job.demo.*'], handler: slowFirst }]);
  return { items, handlers, inFlight, release, calls };
}

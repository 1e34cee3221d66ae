/**
 * Waiting on people and stopping on each backend: an input step waits for
 * its data and resumes with it; parameter defaults fill the run input;
 * a waiting or running run is cancelled, and an ended one refuses.
 */
import { describe, expect, it } from 'vitest';
import { handlerTable } from '../../engine/handlers/table.js';
import { createEngine } from '../../engine/runner.js';
import { backends, pgliteBackend } from '../helpers/databases.js';
import { DEMO_SCHEMAS, demoSnapshot, freshDatabase, rejection, workflow } from './fixtures.js';
import { stepOf } from './held.js';
import { stepsSuite } from './steps_suite.js';

describe.each(backends())('step types on $name', (backend) => {
  const suite = stepsSuite(backend);
  const { engine } = suite;

  it('waits for input and resumes with it', async () => {
    const e = await engine();
    const view = await e.start('demo.ask', {});
    expect(view.run.status).toBe('waiting');
    expect(stepOf(view, 'ask').status).toBe('waiting');
    let deep: unknown = 1;
    for (let i = 0; i < 3000; i++) deep = [deep];
    const refused = await rejection(e.giveInput(view.run.id, 'ask', { deep }));
    expect(refused).toMatchObject({ code: 'input_invalid',
      message: 'data for "ask" must be nested no deeper than 64 levels of objects and arrays' });
    // Approving it says what it waits for, not "not waiting for approval: it is waiting".
    const approved = await rejection(e.approve(view.run.id, 'ask'));
    expect(approved).toMatchObject({ code: 'approval_not_pending', message: `step "ask" of run ` +
      `${view.run.id} is not waiting for approval: it waits for input (give it with the ` +
      'input route or command)' });
    const done = await e.giveInput(view.run.id, 'ask', { region: 'eu' });
    expect(done.run.status).toBe('succeeded');
    expect(stepOf(done, 'use').output).toEqual({ region: 'eu' });
    const again = await rejection(e.giveInput(view.run.id, 'ask', {}));
    expect(again).toMatchObject({ code: 'input_not_waiting', message: `step "ask" of run ` +
      `${view.run.id} is not an input step waiting for data (it is an input step, succeeded)` });
    const other = await rejection(e.giveInput(view.run.id, 'use', {}));
    expect(other.message).toMatch(/\(it is a transform step, succeeded\)$/);
  });

  it('fills parameter defaults before checking input_schema', async () => {
    const e = await engine();
    const view = await e.start('demo.defaults', { name: 'ana' });
    expect(stepOf(view, 'show').output).toEqual({ greeting: 'hello ana' });
    const bad = await rejection(e.start('demo.defaults', {}));
    expect(bad.code).toBe('input_invalid');
  });

  it('cancels a waiting run', async () => {
    const e = await engine();
    const view = await e.start('demo.ask', {});
    const cancelled = await e.cancel(view.run.id);
    expect(cancelled.run.status).toBe('cancelled');
    expect(stepOf(cancelled, 'ask').status).toBe('cancelled');
    expect(stepOf(cancelled, 'use').status).toBe('cancelled');
  });

  it('refuses to cancel a run that has ended, saying so', async () => {
    const e = await engine();
    const done = await e.start('demo.pause', {});
    expect(done.run.status).toBe('succeeded');
    const err = await rejection(e.cancel(done.run.id));
    expect(err.code).toBe('run_finished');
    expect(err.message).toContain('has already finished (succeeded)');
  });

  it('cancels a running run, stopping the step in flight', async () => {
    const e = await engine({ leaseMs: 300 });
    // A PGlite folder has one process: there the same engine asks.
    const other = backend.name === 'postgres' ? await engine() : e;
    const id = await e.record('demo.fan', {});
    const running = e.resume(id);
    for (let i = 0; i < 100 && suite.worker.jobs.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const asked = await other.cancel(id);
    expect(asked.run.cancel_requested).toBe(true);
    await running;
    const view = await e.view(id);
    expect(view.run.status).toBe('cancelled');
    expect(stepOf(view, 'a')).toMatchObject({
      status: 'cancelled',
      error: { code: 'run_cancelled' },
    });
    expect(stepOf(view, 'join').status).toBe('cancelled');
  });
});

describe('cancel of a run whose pack is no longer installed', () => {
  it('ends it cancelled, though a schema its workflow names is gone', async () => {
    const db = await (await freshDatabase(pgliteBackend)).open();
    try {
      const flow = workflow('form', {
        form: { type: 'input', output_schema_id: 'demo/HelloInput' },
        after: { type: 'transform', depends_on: ['form'], input: { a: 1 } },
      });
      const before = await createEngine({ db, snapshot: demoSnapshot(), workflows: [flow],
        handlers: handlerTable([]),
        schemas: DEMO_SCHEMAS });
      const view = await before.start('demo.form', {});
      expect(view.run.status).toBe('waiting');
      // The pack was uninstalled: its workflow and schemas are gone.
      const after = await createEngine({ db, snapshot: demoSnapshot(), workflows: [],
        handlers: handlerTable([]),
        schemas: new Map() });
      const cancelled = await after.cancel(view.run.id);
      expect(cancelled.run.status).toBe('cancelled');
      expect(stepOf(cancelled, 'form').status).toBe('cancelled');
      expect(stepOf(cancelled, 'after').status).toBe('cancelled');
    } finally {
      await db.close();
    }
  });
});

describe('rejecting an approval of a run whose pack is no longer installed', () => {
  it('fails the step and the run, though a schema its workflow names is gone', async () => {
    const db = await (await freshDatabase(pgliteBackend)).open();
    try {
      const flow = workflow('signoff', {
        ask: { type: 'approval', name: 'Sign off' },
        form: { type: 'input', output_schema_id: 'demo/HelloInput', depends_on: ['ask'] },
      });
      const before = await createEngine({ db, snapshot: demoSnapshot(), workflows: [flow],
        handlers: handlerTable([]), schemas: DEMO_SCHEMAS });
      const view = await before.start('demo.signoff', {});
      expect(stepOf(view, 'ask').status).toBe('waiting');
      const after = await createEngine({ db, snapshot: demoSnapshot(), workflows: [],
        handlers: handlerTable([]), schemas: new Map() });
      const rejected = await after.reject(view.run.id, 'ask', { note: 'not now' });
      expect(rejected.run.status).toBe('failed');
      expect(stepOf(rejected, 'ask')).toMatchObject({ status: 'failed',
        error: { code: 'approval_rejected', message: 'approval rejected: not now' } });
      // Approving instead needs the schemas the rest of the run checks its data against.
      const again = await before.start('demo.signoff', {});
      const refused = await rejection(after.approve(again.run.id, 'ask'));
      expect(refused.code).toBe('workflow_invalid');
    } finally {
      await db.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { askWorkflow, workflow } from './fixtures.js';
import { heldEngines, stepOf } from './held.js';

const writeMeta = { pack_id: 'demo', capability: 'demo.write', risk_tags: ['write'] };
const WORKFLOWS = [
  askWorkflow(),
  workflow('write', {
    write: { type: 'worker', topic: 'job.demo.write', input: { message: 'w' }, meta: writeMeta },
  }),
  workflow('outer_ask', {
    child: { type: 'subworkflow', workflow: 'demo.ask', input: {} },
    after: {
      type: 'transform',
      depends_on: ['child'],
      input: { region: '${steps.child.output.outputs.use.region}' },
    },
  }),
  workflow('outer_write', { child: { type: 'subworkflow', workflow: 'demo.write' } }),
  workflow('outer_ask_bounded', {
    child: { type: 'subworkflow', workflow: 'demo.ask', input: {}, timeout_sec: 1.5 },
  }),
];

describe.each(backends())('a subworkflow whose child waits, on $name', (backend) => {
  const suite = heldEngines(backend, WORKFLOWS);
  const engine = () => suite.engine();

  it('waits while the child waits for input and finishes once it has it', async () => {
    const e = await engine();
    const view = await e.start('demo.outer_ask', {});
    expect(view.run.status).toBe('waiting');
    const step = stepOf(view, 'child');
    expect(step).toMatchObject({ status: 'waiting', attempts: 1 });
    expect(step.wake_at).toBe(new Date(suite.held.now + 1000).toISOString());
    const childId = step.job!.job_id;
    expect((await e.view(childId)).run.status).toBe('waiting');

    // The child still waits: each look parks the parent again, backing off.
    expect(await suite.held.later(e, 1000)).toBe(1);
    const looked = stepOf(await e.view(view.run.id), 'child');
    expect(looked).toMatchObject({ status: 'waiting', attempts: 2 });
    expect(looked.wake_at).toBe(new Date(suite.held.now + 2000).toISOString());

    await e.giveInput(childId, 'ask', { region: 'eu' });
    expect(await suite.held.later(e, 2000)).toBe(1);
    const done = await e.view(view.run.id);
    expect(done.run.status).toBe('succeeded');
    expect(stepOf(done, 'child').output).toMatchObject({ run_id: childId, status: 'succeeded' });
    expect(stepOf(done, 'after').output).toEqual({ region: 'eu' });
    const waits = (await e.timeline(view.run.id)).filter((t) => t.type === 'subworkflow_waiting');
    expect(waits).toHaveLength(1);
  });

  it('times the step out at its timeout_sec while the child waits, cancelling the child',
    async () => {
      const e = await engine();
      const view = await e.start('demo.outer_ask_bounded', {});
      const childId = stepOf(view, 'child').job!.job_id;
      expect(await suite.held.later(e, 1000)).toBe(1);
      // The next look would be 2 s on; the deadline (1.5 s from the start) comes first.
      const looked = stepOf(await e.view(view.run.id), 'child');
      expect(looked.wake_at).toBe(new Date(Date.parse(looked.started_at!) + 1500).toISOString());
      expect(await suite.held.later(e, 500)).toBe(1);
      const done = await e.view(view.run.id);
      expect(done.run.status).toBe('timed_out');
      expect(stepOf(done, 'child')).toMatchObject({ status: 'timed_out',
        error: { code: 'step_timed_out', message: 'step "child" waited past its timeout_sec ' +
          '(1.5 s) for its child run to finish' } });
      expect((await e.view(childId)).run.status).toBe('cancelled');
    });

  it('resumes the parent in a later process after the child is approved in another', async () => {
    const first = await engine();
    const view = await first.start('demo.outer_write', {});
    expect(view.run.status).toBe('waiting');
    const childId = stepOf(view, 'child').job!.job_id;
    await suite.exitLast();

    const approver = await engine();
    const child = await approver.approve(childId, 'write');
    expect(child.run.status).toBe('succeeded');
    expect((await approver.view(view.run.id)).run.status).toBe('waiting');
    await suite.exitLast();

    const poller = await engine();
    expect(await suite.held.later(poller, 1000)).toBe(1);
    const done = await poller.view(view.run.id);
    expect(done.run.status).toBe('succeeded');
    expect(stepOf(done, 'child').output).toMatchObject({
      outputs: { write: { echo: 'w' } },
    });
  });

  it('fails the parent step when the waiting child is rejected', async () => {
    const e = await engine();
    const view = await e.start('demo.outer_write', {});
    const childId = stepOf(view, 'child').job!.job_id;
    await e.reject(childId, 'write', { note: 'no' });
    expect(await suite.held.later(e, 1000)).toBe(1);
    const done = await e.view(view.run.id);
    expect(done.run.status).toBe('failed');
    expect(stepOf(done, 'child').error).toMatchObject({ code: 'subworkflow_failed' });
    expect(stepOf(done, 'child').error?.message).toMatch(/ended failed: .*approval rejected: no/);
  });
});

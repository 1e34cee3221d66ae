/**
 * How a run's steps flow on each backend: independent steps at once (up to
 * the concurrency) joined by a parallel step; one branch of a condition or
 * switch; for_each items as child steps, max_parallel at once, stopping
 * after a failure or parking on an approval; loops; subworkflows; on_error
 * routes; and each job's idempotency key.
 */
import { describe, expect, it } from 'vitest';
import type { StepRecord } from '../../engine/records.js';
import { backends } from '../helpers/databases.js';
import { stepOf } from './held.js';
import { stepsSuite } from './steps_suite.js';

/** Whether two steps were in flight at the same time. */
function overlap(a: StepRecord, b: StepRecord): boolean {
  const t = (v?: string) => Date.parse(v!);
  return t(a.started_at) < t(b.finished_at) && t(b.started_at) < t(a.finished_at);
}

describe.each(backends())('step types on $name', (backend) => {
  const suite = stepsSuite(backend);
  const { engine } = suite;

  it('runs independent steps at once and joins them in a parallel step', async () => {
    const e = await engine();
    const view = await e.start('demo.fan', {});
    expect(view.run.status).toBe('succeeded');
    // Each job takes 300 ms: b started before a finished.
    expect(overlap(stepOf(view, 'a'), stepOf(view, 'b'))).toBe(true);
    expect(stepOf(view, 'join').output).toMatchObject({ a: { echo: 'a' }, b: { echo: 'b' } });
  });

  it('runs one step at a time with concurrency 1', async () => {
    const e = await engine({ concurrency: 1 });
    const view = await e.start('demo.fan', {});
    expect(view.run.status).toBe('succeeded');
    expect(overlap(stepOf(view, 'a'), stepOf(view, 'b'))).toBe(false);
  });

  it('takes one branch of a condition and one case of a switch', async () => {
    const e = await engine();
    const view = await e.start('demo.branches', { n: 5, env: 'dev' });
    expect(view.run.status).toBe('succeeded');
    expect(stepOf(view, 'big').output).toEqual({ size: 'big' });
    expect(stepOf(view, 'small')).toMatchObject({ skipped: true, status: 'succeeded' });
    expect(stepOf(view, 'pick').output).toEqual({ value: 'dev', case: 'dev' });
    expect(stepOf(view, 'quick').output).toEqual({ mode: 'quick' });
    expect(stepOf(view, 'careful').skipped).toBe(true);
    expect(stepOf(view, 'other').skipped).toBe(true);
    const other = await e.start('demo.branches', { n: 1, env: 'qa' });
    expect(stepOf(other, 'small').output).toEqual({ size: 'small' });
    expect(stepOf(other, 'other').output).toEqual({ mode: 'other' });
  });

  it('takes a switch\'s null case for a null or missing value, a number by its text', async () => {
    const e = await engine();
    const took = async (input: object) => {
      const view = await e.start('demo.nulls', input);
      const pick = stepOf(view, 'pick').output as { case: string; value: unknown };
      const ran = view.steps.filter((s) => s.step_id !== 'pick' && !s.skipped);
      return [pick.case, pick.value, ran.map((s) => (s.output as { took: string }).took)];
    };
    expect(await took({})).toEqual(['null', null, ['null']]);
    expect(await took({ mode: null })).toEqual(['null', null, ['null']]);
    expect(await took({ mode: 0 })).toEqual(['0', 0, ['0']]);
    expect(await took({ mode: 'null' })).toEqual(['null', 'null', ['null']]);
    expect(await took({ mode: 'x' })).toEqual(['default', 'x', ['default']]);
    const fromYaml = await e.start('demo.yaml-nulls', {});
    expect(stepOf(fromYaml, 'pick').output).toEqual({ value: null, case: '' });
    expect(stepOf(fromYaml, 'none').output).toEqual({ took: 'null' });
    const zero = await e.start('demo.yaml-nulls', { mode: 0 });
    expect(stepOf(zero, 'zero').output).toEqual({ took: '0' });
  });

  it('tells a case labelled "default" from the default list', async () => {
    const e = await engine();
    const ran = async (mode: string) => {
      const view = await e.start('demo.default-label', { mode });
      return view.steps.filter((s) => s.step_id !== 'pick' && !s.skipped).map((s) => s.step_id);
    };
    expect(await ran('default')).toEqual(['named']);
    expect(await ran('other')).toEqual(['fallback']);
  });

  it('runs for_each items as child steps, max_parallel at once', async () => {
    const e = await engine();
    const view = await e.start('demo.each', { items: ['x', 'y', 'z'] });
    expect(view.run.status).toBe('succeeded');
    expect(view.steps.map((s) => s.step_id)).toEqual([
      'each',
      'each[0]',
      'each[1]',
      'each[2]',
      'total',
    ]);
    expect(stepOf(view, 'each[1]')).toMatchObject({ parent_id: 'each', item_index: 1 });
    expect((stepOf(view, 'each').output as { echo: string }[]).map((o) => o.echo)).toEqual([
      'item 0: x',
      'item 1: y',
      'item 2: z',
    ]);
    expect(stepOf(view, 'total').output).toEqual({ n: 3 });
    // Two at a time: items 0 and 1 overlap, item 2 waits for a free slot.
    const [x, y, z] = [0, 1, 2].map((i) => stepOf(view, `each[${i}]`));
    expect(overlap(x!, y!)).toBe(true);
    expect(overlap(x!, z!) && overlap(y!, z!)).toBe(false);
    const keys = suite.worker.jobs.map((j) => j.body.idempotency_key);
    expect(keys).toEqual(expect.arrayContaining([`${view.run.id}:each[2]:1`]));
  });

  it('starts no for_each item after one failed, and cancels those not started', async () => {
    const e = await engine();
    const view = await e.start('demo.each-fails', { statuses: [200, 500, 200, 200] });
    expect(view.run.status).toBe('failed');
    expect(view.steps.map((s) => [s.step_id, s.status])).toEqual([['each', 'failed'],
      ['each[0]', 'succeeded'], ['each[1]', 'failed'], ['each[2]', 'cancelled'],
      ['each[3]', 'cancelled']]);
    expect(stepOf(view, 'each[2]').error).toEqual({ code: 'upstream_failed',
      message: 'not run: item 1 of "each" failed' });
    // Only the first two were ever sent to a worker.
    const sent = suite.worker.jobs.filter((j) => String(j.body.idempotency_key)
      .startsWith(`${view.run.id}:`)).map((j) => j.body.idempotency_key);
    expect(new Set(sent)).toEqual(new Set([`${view.run.id}:each[0]:1`,
      `${view.run.id}:each[1]:1`]));
  });

  it('loops while its condition holds, bounded by max_iterations', async () => {
    const e = await engine();
    const view = await e.start('demo.count', { times: 3 });
    expect(stepOf(view, 'count').output).toEqual({ iterations: 3, output: { seen: 2 },
      outputs: [{ seen: 0 }, { seen: 1 }, { seen: 2 }] });
    const spun = await e.start('demo.count', { times: 50 });
    expect(spun.run.status).toBe('failed');
    expect(stepOf(spun, 'count').error?.code).toBe('loop_limit');
  });

  it('runs a subworkflow and answers its outputs', async () => {
    const e = await engine();
    const view = await e.start('demo.outer', {});
    expect(view.run.status).toBe('succeeded');
    const out = stepOf(view, 'child').output as { run_id: string; outputs: unknown };
    expect(out.outputs).toEqual({ count: { iterations: 2, output: { seen: 1 },
      outputs: [{ seen: 0 }, { seen: 1 }] } });
    expect((await e.view(out.run_id)).run.workflow_id).toBe('demo.count');
  });

  it('routes a failure to its on_error step', async () => {
    const e = await engine();
    const view = await e.start('demo.rescue', {});
    expect(stepOf(view, 'risky').status).toBe('failed');
    expect(stepOf(view, 'cleanup').output).toEqual({ why: 'policy_denied' });
    expect(stepOf(view, 'after').status).toBe('cancelled');
    expect(view.run.status).toBe('succeeded');
  });

  it('renders meta.idempotency_key for each job, an item reading its own', async () => {
    const view = await (await engine()).start('demo.keyed', { order: 7, items: ['a', 'b'] });
    expect(view.run.status).toBe('succeeded');
    expect(['each[0]', 'each[1]'].map((id) => stepOf(view, id).job?.idempotency_key)).toEqual(
      ['order-7-a', 'order-7-b']);
  });

  it('runs an on_error step that also depends on the step routing to it', async () => {
    const view = await (await engine()).start('demo.rescue_after', {});
    expect(stepOf(view, 'bad').status).toBe('failed');
    expect([stepOf(view, 'fix').skipped, stepOf(view, 'fix').output]).toEqual(
      [false, { why: 'policy_denied' }]);
    expect(view.run.status).toBe('succeeded');
  });

  it('fails the run when the on_error step a failure routes to can no longer run', async () => {
    const view = await (await engine()).start('demo.stranded_route', {});
    expect(stepOf(view, 'bad').status).toBe('failed');
    expect(stepOf(view, 'next').status).toBe('cancelled');
    expect([stepOf(view, 'fix').status, stepOf(view, 'fix').skipped]).toEqual(['cancelled', false]);
    expect(view.run.status).toBe('failed');
    expect(view.run.error).toMatchObject({ code: 'policy_denied' });
  });

  it('skips an on_error step nobody routed to, and runs what depends on it', async () => {
    const view = await (await engine()).start('demo.unused_route', {});
    expect([stepOf(view, 'cleanup').status, stepOf(view, 'cleanup').skipped]).toEqual(
      ['succeeded', true]);
    expect([stepOf(view, 'after').status, stepOf(view, 'after').output]).toEqual(
      ['succeeded', { ran: true }]);
    expect(view.run.status).toBe('succeeded');
  });

  it('parks a for_each on a child that needs approval and collects it once approved', async () => {
    const e = await engine();
    const view = await e.start('demo.writes', {});
    expect(view.run.status).toBe('waiting');
    expect(view.approvals.map((a) => a.step_id)).toEqual(['each[0]', 'each[1]']);
    const half = await e.approve(view.run.id, 'each[0]');
    expect(half.run.status).toBe('waiting');
    expect(stepOf(half, 'each[0]').output).toMatchObject({ echo: 'a' });
    const done = await e.approve(view.run.id, 'each[1]');
    expect(done.run.status).toBe('succeeded');
    expect((stepOf(done, 'each').output as { echo: string }[]).map((o) => o.echo)).toEqual([
      'a',
      'b',
    ]);
  });
});

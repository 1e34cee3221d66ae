/**
 * Steps and time on each backend: delays (short ones waited out, long
 * ones parked on a stored timer, delay_until read as RFC 3339), a run left
 * to the run queue for a lease, and timeouts of approval, input and other
 * steps, an answer after one refused.
 */
import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { rejection } from './fixtures.js';
import { stepOf } from './held.js';
import { stepsSuite } from './steps_suite.js';

describe.each(backends())('step types on $name', (backend) => {
  const suite = stepsSuite(backend);
  const { engine } = suite;

  it.each(['garbage', '5', 'version 2', '2026-02-31T00:00:00Z', 1_700_000_000_000,
    '9999-12-31T23:59:59-23:59'])(
    'fails a delay_until that renders to %j, no RFC 3339 date-time, as an expression failure',
    async (until) => {
      const e = await engine();
      const view = await e.start('demo.until', { until });
      expect(view.run.status).toBe('failed');
      expect(stepOf(view, 'wait').error).toMatchObject({ code: 'expression_failed',
        message: `delay_until of step "wait" is ${JSON.stringify(until)}, which is not an ` +
          'RFC 3339 date-time with a time zone, such as 2026-03-01T09:00:00Z, no later than ' +
          '9999-12-31T23:59:59Z' });
    });

  it('keeps a timeout_sec of a month on the run and its steps, past Node\'s longest timer',
    async () => {
      const view = await (await engine()).start('demo.month', { url: suite.worker.url });
      expect(view.steps.map((s) => [s.step_id, s.status, s.error?.code])).toEqual([
        ['job', 'succeeded', undefined], ['call', 'succeeded', undefined],
        ['nap', 'succeeded', undefined]]);
      expect(view.run.status).toBe('succeeded');
    });

  it('waits with no timer for a timeout_sec that would end after the year 9999', async () => {
    const e = await engine();
    const parked = await e.start('demo.ask-for-ages', {});
    expect(parked.run.status).toBe('waiting');
    expect(parked.steps.map((s) => [s.status, s.wake_at])).toEqual(
      [['waiting', undefined], ['waiting', undefined]]);
    await e.giveInput(parked.run.id, 'ask', 'eu');
    const view = await e.approve(parked.run.id, 'gate', { by: 'ana' });
    expect(view.run.status).toBe('succeeded');
  });

  it('delays a for_each step once, not again before each of its items', async () => {
    const view = await (await engine()).start('demo.each-later', {});
    expect(view.run.status).toBe('succeeded');
    const each = stepOf(view, 'each');
    expect(each.wake_at).toBeDefined();
    expect(['each[0]', 'each[1]', 'each[2]'].map((id) => stepOf(view, id).wake_at)).toEqual(
      [undefined, undefined, undefined]);
    // 0.3 s for the step; waited again per item it took 1.2 s.
    expect(Date.parse(each.finished_at!) - Date.parse(each.started_at!)).toBeLessThan(900);
  });

  it('waits for a delay_until rendered with an offset until that instant', async () => {
    const e = await engine();
    const view = await e.start('demo.until', { until: '2000-01-01T02:00:00+02:00' });
    expect(view.run.status).toBe('succeeded');
    expect(stepOf(view, 'wait').output).toEqual({ waited_until: '2000-01-01T00:00:00.000Z' });
  });

  it('waits out a short delay and parks a long one on a stored timer', async () => {
    const e = await engine();
    const started = Date.now();
    const view = await e.start('demo.pause', {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(stepOf(view, 'wait').wake_at).toBeDefined();
    expect(stepOf(view, 'later').status).toBe('succeeded');

    let now = Date.now();
    const clocked = await engine({ clock: () => new Date(now) });
    const parked = await clocked.start('demo.park', {});
    expect(parked.run.status).toBe('waiting');
    expect(await clocked.resumeDue()).toBe(0);
    now += 3601_000;
    expect(await clocked.resumeDue()).toBe(1);
    expect((await clocked.view(parked.run.id)).run.status).toBe('succeeded');
  });

  it('leaves a started run to the run queue for a lease before the poller takes it', async () => {
    let now = Date.now();
    const clocked = await engine({ clock: () => new Date(now), leaseMs: 5000 });
    const id = await clocked.record('demo.branches', { n: 1, env: 'dev' });
    // With a queue, the run is its for a lease: its concurrency and its request id hold.
    expect(await clocked.resumeDue(100, { queued: true })).toBe(0);
    now += 4999;
    expect(await clocked.resumeDue(100, { queued: true })).toBe(0);
    now += 2;
    expect(await clocked.resumeDue(100, { queued: true })).toBe(1);
    expect((await clocked.view(id)).run.status).toBe('succeeded');
    // Without one, the poller is how a started run goes on: at once.
    const other = await clocked.record('demo.branches', { n: 1, env: 'dev' });
    expect(await clocked.resumeDue()).toBe(1);
    expect((await clocked.view(other)).run.status).toBe('succeeded');
  });

  it('times out an approval or input step nobody answers within its timeout_sec', async () => {
    let now = Date.now();
    const clocked = await engine({ clock: () => new Date(now) });
    for (const [id, stepId] of [['demo.gate-times-out', 'gate'], ['demo.ask-times-out', 'ask']]) {
      const parked = await clocked.start(id!, {});
      expect(parked.run.status).toBe('waiting');
      const step = stepOf(parked, stepId!);
      expect(Date.parse(step.wake_at!) - Date.parse(step.started_at!)).toBe(2000);
      expect(await clocked.resumeDue()).toBe(0);
      now += 2500;
      expect(await clocked.resumeDue()).toBe(1);
      const view = await clocked.view(parked.run.id);
      expect(view.run.status).toBe('timed_out');
      expect(stepOf(view, stepId!)).toMatchObject({ status: 'timed_out',
        error: { code: 'step_timed_out' } });
      if (stepId === 'gate') expect(view.approvals[0]?.status).toBe('cancelled');
    }
  });

  it('refuses an approval or input given past the step\'s timeout_sec, timing it out',
    async () => {
      let now = Date.now();
      const clocked = await engine({ clock: () => new Date(now) });
      const gate = await clocked.start('demo.gate-times-out', {});
      const ask = await clocked.start('demo.ask-times-out', {});
      now += 2500;
      const late = await rejection(clocked.approve(gate.run.id, 'gate', { by: 'ana' }));
      expect([late.code, late.message]).toEqual(['approval_not_pending',
        expect.stringMatching(/waited past its timeout_sec .*the answer was not taken/)]);
      const lateInput = await rejection(clocked.giveInput(ask.run.id, 'ask', 'eu'));
      expect(lateInput.code).toBe('input_not_waiting');
      for (const [run, stepId] of [[gate, 'gate'], [ask, 'ask']] as const) {
        const view = await clocked.view(run.run.id);
        expect([view.run.status, stepOf(view, stepId).status]).toEqual(['timed_out', 'timed_out']);
      }
      expect((await clocked.view(gate.run.id)).approvals[0]?.status).toBe('cancelled');
    });

  it('times a step out after its timeout_sec', async () => {
    const e = await engine();
    const view = await e.start('demo.nap', {});
    expect(view.run.status).toBe('timed_out');
    expect(stepOf(view, 'wait')).toMatchObject({
      status: 'timed_out',
      error: { code: 'step_timed_out' },
    });
  });
});

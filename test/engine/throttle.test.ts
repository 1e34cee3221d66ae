import { describe, expect, it } from 'vitest';
import { MAX_THROTTLE_HOLDS } from '../../engine/steps/throttle.js';
import { backends } from '../helpers/databases.js';
import { workflow } from './fixtures.js';
import { echoMeta, heldEngines, stepOf, unthrottled } from './held.js';

const busy = { type: 'worker' as const, topic: 'job.demo.busy', meta: echoMeta };
const WORKFLOWS = [
  workflow('busy', { busy: { ...busy, input: { message: 'later' } } }),
  workflow('busy_bounded', { busy: { ...busy, input: { message: 'x' }, timeout_sec: 5 } }),
  workflow('busy_quick', {
    busy: {
      ...busy,
      input: { message: 'x' },
      retry: { initial_backoff_sec: 0.01, multiplier: 1 },
    },
  }),
];

describe.each(backends())('throttle on $name', (backend) => {
  const suite = heldEngines(backend, WORKFLOWS);
  const engine = (extra = {}) => suite.engine(extra);

  it('holds a throttled job back on a timer and sends it once the policy allows', async () => {
    const e = await engine();
    const view = await e.start('demo.busy', {});
    expect(view.run.status).toBe('waiting');
    const step = stepOf(view, 'busy');
    expect(step).toMatchObject({
      status: 'waiting',
      attempts: 0,
      wake_at: new Date(suite.held.now + 1000).toISOString(),
      error: { code: 'throttled', rule_id: 'demo-throttle', details: { holds: 1 } },
    });
    expect(step.job).toBeUndefined();

    // Not due yet: nothing resumes; still throttled when due: a second, longer hold.
    expect(await suite.held.later(e, 500)).toBe(0);
    expect(await suite.held.later(e, 500)).toBe(1);
    const again = stepOf(await e.view(view.run.id), 'busy');
    expect(again.error?.details).toMatchObject({ holds: 2 });
    expect(again.wake_at).toBe(new Date(suite.held.now + 2000).toISOString());

    suite.held.policy = unthrottled();
    expect(await suite.held.later(e, 2000)).toBe(1);
    const done = await e.view(view.run.id);
    expect(done.run.status).toBe('succeeded');
    const sent = stepOf(done, 'busy');
    expect(sent.output).toMatchObject({ echo: 'later' });
    expect(sent.decision).toMatchObject({
      decision: 'allow',
      snapshot_hash: suite.held.policy.hash,
    });
    expect(sent.error).toBeUndefined();
    expect(sent.wake_at).toBeUndefined();
    expect(sent.attempts).toBe(1);
    const types = (await e.timeline(view.run.id)).map((t) => t.type);
    expect(types.filter((t) => t === 'throttled')).toHaveLength(2);
    expect(types.filter((t) => t === 'decision')).toHaveLength(3);
  });

  it('resumes a throttled run in a new process, counting the holds it had', async () => {
    const first = await engine();
    const view = await first.start('demo.busy', {});
    await suite.exitLast();
    const second = await engine();
    expect(await suite.held.later(second, 1000)).toBe(1);
    const step = stepOf(await second.view(view.run.id), 'busy');
    expect(step).toMatchObject({ status: 'waiting', error: { details: { holds: 2 } } });
  });

  it(`gives up after ${MAX_THROTTLE_HOLDS} holds with code throttled`, async () => {
    const e = await engine();
    const view = await e.start('demo.busy', {});
    let resumed = 0;
    for (let i = 0; i < MAX_THROTTLE_HOLDS + 5; i++) resumed += await suite.held.later(e, 60_000);
    expect(resumed).toBe(MAX_THROTTLE_HOLDS);
    const done = await e.view(view.run.id);
    expect(done.run.status).toBe('failed');
    const step = stepOf(done, 'busy');
    expect(step.status).toBe('failed');
    expect(step.error).toMatchObject({ code: 'throttled', rule_id: 'demo-throttle' });
    expect(step.error?.message).toBe(
      'rule demo-throttle throttled job.demo.busy (busy); still throttled after ' +
        `${MAX_THROTTLE_HOLDS} holds (at most ${MAX_THROTTLE_HOLDS}), so the step gives up`,
    );
    expect(step.job).toBeUndefined();
    const holds = (await e.timeline(view.run.id)).filter((t) => t.type === 'throttled');
    expect(holds).toHaveLength(MAX_THROTTLE_HOLDS);
  });

  it('gives up when the next try would pass the step timeout_sec', async () => {
    const e = await engine();
    const view = await e.start('demo.busy_bounded', {});
    expect(await suite.held.later(e, 1000)).toBe(1);
    expect(await suite.held.later(e, 2000)).toBe(1);
    // Holds of 1 s and 2 s used 3 s; the next, of 4 s, would end past 5 s.
    const step = stepOf(await e.view(view.run.id), 'busy');
    expect(step.status).toBe('failed');
    expect(step.error?.message).toMatch(
      /still throttled after 2 holds: the next try would pass its timeout_sec of 5,/,
    );
  });

  it('holds a short wait in the process and fails at the bound without parking', async () => {
    const e = await engine({ holdDelayMs: 60_000, clock: () => new Date() });
    const view = await e.start('demo.busy_quick', {});
    expect(view.run.status).toBe('failed');
    expect(stepOf(view, 'busy').error?.details).toMatchObject({ holds: MAX_THROTTLE_HOLDS });
    const timeline = await e.timeline(view.run.id);
    expect(timeline.filter((t) => t.type === 'throttled')).toHaveLength(MAX_THROTTLE_HOLDS);
    // Never parked: the run went from running to failed.
    const runs = timeline.filter((t) => t.type === 'run_status').map((t) => t.status);
    expect(runs).toEqual(['running', 'failed']);
  });
});

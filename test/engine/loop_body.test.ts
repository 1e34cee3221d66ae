import { describe, expect, it } from 'vitest';
import { planWorkflow } from '../../engine/plan.js';
import { backends } from '../helpers/databases.js';
import { DEMO_SCHEMAS, thrown, workflow } from './fixtures.js';
import { echoMeta, heldEngines, stepOf, unthrottled } from './held.js';

const loopOf = (topic: string, meta: object = echoMeta) => ({
  type: 'loop' as const,
  while: 'loop.index < input.times',
  max_iterations: 4,
  body: { type: 'worker', topic, input: { message: 'ping ${loop.index}' }, meta },
});
const writeMeta = { pack_id: 'demo', capability: 'demo.write', risk_tags: ['write'] };

const WORKFLOWS = [
  workflow('pings', {
    pings: loopOf('job.demo.echo'),
    after: {
      type: 'transform',
      depends_on: ['pings'],
      input: { n: '${steps.pings.output.iterations}' },
    },
  }),
  workflow('writes', { writes: loopOf('job.demo.write', writeMeta) }),
  workflow('denied', { pings: loopOf('job.demo.dangerous') }),
  workflow('busy', { pings: loopOf('job.demo.busy') }),
];

describe.each(backends())('loop bodies on $name', (backend) => {
  const suite = heldEngines(backend, WORKFLOWS);
  const engine = () => suite.engine();

  it('sends one real job per iteration, each decided, with a step record each', async () => {
    const e = await engine();
    const view = await e.start('demo.pings', { times: 3 });
    expect(view.run.status).toBe('succeeded');
    expect(view.steps.map((s) => s.step_id)).toEqual([
      'pings', 'pings[0]', 'pings[1]', 'pings[2]', 'after',
    ]);
    for (const i of [0, 1, 2]) {
      expect(stepOf(view, `pings[${i}]`)).toMatchObject({
        type: 'worker',
        parent_id: 'pings',
        item_index: i,
        status: 'succeeded',
        attempts: 1,
        decision: { decision: 'allow', rule_id: 'demo-allow' },
        job: { job_id: `${view.run.id}:pings[${i}]@1` },
        output: { echo: `ping ${i}` },
      });
    }
    expect(stepOf(view, 'pings').output).toMatchObject({
      iterations: 3,
      output: { echo: 'ping 2' },
    });
    expect(stepOf(view, 'after').output).toEqual({ n: 3 });
  });

  it('fails past max_iterations after running the bound', async () => {
    const e = await engine();
    const view = await e.start('demo.pings', { times: 50 });
    expect(view.run.status).toBe('failed');
    expect(stepOf(view, 'pings').error?.code).toBe('loop_limit');
    expect(view.steps.filter((s) => s.parent_id === 'pings')).toHaveLength(4);
  });

  it('asks approval for each iteration and resumes in a new process', async () => {
    const e = await engine();
    const view = await e.start('demo.writes', { times: 2 });
    expect(view.run.status).toBe('waiting');
    expect(view.approvals.map((a) => a.step_id)).toEqual(['writes[0]']);
    await suite.exitLast();

    const next = await engine();
    const half = await next.approve(view.run.id, 'writes[0]');
    expect(half.run.status).toBe('waiting');
    expect(stepOf(half, 'writes[0]').output).toMatchObject({ echo: 'ping 0' });
    expect(half.approvals.find((a) => a.step_id === 'writes[1]')?.status).toBe('pending');
    const done = await next.approve(view.run.id, 'writes[1]');
    expect(done.run.status).toBe('succeeded');
    expect(stepOf(done, 'writes').output).toMatchObject({ iterations: 2 });
  });

  it('fails the loop when the policy denies an iteration', async () => {
    const view = await (await engine()).start('demo.denied', { times: 2 });
    expect(view.run.status).toBe('failed');
    expect(stepOf(view, 'pings').error).toMatchObject({ code: 'policy_denied' });
    expect(stepOf(view, 'pings').error?.message).toMatch(/^iteration 0 of loop "pings" failed/);
    expect(view.steps.filter((s) => s.parent_id === 'pings')).toHaveLength(1);
  });

  it('parks on a throttled iteration and goes on when its timer is due', async () => {
    const e = await engine();
    const view = await e.start('demo.busy', { times: 2 });
    expect(view.run.status).toBe('waiting');
    expect(stepOf(view, 'pings').wake_at).toBe(stepOf(view, 'pings[0]').wake_at);
    suite.held.policy = unthrottled();
    expect(await suite.held.later(e, 1000)).toBe(1);
    const done = await e.view(view.run.id);
    expect(done.run.status).toBe('succeeded');
    expect(stepOf(done, 'pings[1]').output).toMatchObject({ echo: 'ping 1' });
  });
});

describe('loop bodies at load time', () => {
  const plan = (body: unknown) =>
    planWorkflow(workflow('bad', { l: { type: 'loop', while: true, body } }), DEMO_SCHEMAS);

  it.each([
    ['a step type a body cannot be', { type: 'approval' }, '/steps/l/body/type'],
    ['a body with its own depends_on', { type: 'transform', depends_on: ['x'] },
      '/steps/l/body/depends_on'],
    ['a body reading an unknown root', { type: 'transform', input: { a: '${item}' } },
      '/steps/l/body/input'],
    ['a worker body without a topic', { type: 'worker' }, '/steps/l/body/topic'],
  ])('refuses %s', (_name, body, path) => {
    const err = thrown(() => plan(body));
    expect(err.code).toBe('workflow_invalid');
    expect((err.issues as { path: string }[]).map((i) => i.path)).toContain(path);
  });

  it('plans a body that reads loop.index', () => {
    const p = plan({ type: 'transform', input: { i: '${loop.index}' } });
    expect(p.steps[0]!.loop?.body?.type).toBe('transform');
  });
});

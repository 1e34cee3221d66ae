import { describe, expect, it } from 'vitest';
import { planWorkflow } from '../../engine/plan.js';
import type { StepType, Workflow } from '../../packs/workflow/types.js';
import { DEMO_SCHEMAS, DEMO_WORKFLOWS, thrown, workflow } from './fixtures.js';

type Steps = Parameters<typeof workflow>[1];
const worker = { type: 'worker' as const, topic: 'job.demo.echo' };

describe('planWorkflow', () => {
  it('orders steps by depends_on, keeping the file order between equals', () => {
    const wf = workflow('order', {
      c: { ...worker, depends_on: ['b'] },
      a: worker,
      b: { ...worker, depends_on: ['a'] },
      d: worker,
    });
    expect(planWorkflow(wf, DEMO_SCHEMAS).steps.map((s) => s.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('plans every demo workflow and takes the pack id from the workflow id', () => {
    for (const wf of DEMO_WORKFLOWS) expect(planWorkflow(wf, DEMO_SCHEMAS).packId).toBe('demo');
  });

  const invalid: [string, Steps, string, string, RegExp][] = [
    [
      'an unknown dependency',
      { a: { ...worker, depends_on: ['ghost'] } },
      'workflow_invalid',
      '/steps/a/depends_on',
      /depends on unknown step "ghost"/,
    ],
    [
      'a cycle',
      { a: { ...worker, depends_on: ['b'] }, b: { ...worker, depends_on: ['a'] } },
      'workflow_invalid',
      '/steps/a/depends_on',
      /cycle: a -> b -> a/,
    ],
    [
      'a self-dependency',
      { a: { ...worker, depends_on: ['a'] } },
      'workflow_invalid',
      '/steps/a/depends_on',
      /cycle: a -> a/,
    ],
    [
      'a worker with no topic',
      { a: { type: 'worker' } },
      'workflow_invalid',
      '/steps/a/topic',
      /needs a topic/,
    ],
    [
      'a condition step with no condition',
      { a: { type: 'condition' } },
      'workflow_invalid',
      '/steps/a/condition',
      /needs a condition/,
    ],
    [
      'an unknown schema id',
      { a: { ...worker, input_schema_id: 'demo/Nope' } },
      'workflow_invalid',
      '/steps/a/input_schema_id',
      /no installed pack provides schema "demo\/Nope"/,
    ],
    [
      'a bad template',
      { a: { ...worker, input: { x: ['${input.}'] } } },
      'workflow_invalid',
      '/steps/a/input/x/0',
      /expected a name or an index/,
    ],
    [
      'a bad condition',
      { a: { ...worker, condition: 'input.a ==' } },
      'workflow_invalid',
      '/steps/a/condition',
      /expected a value/,
    ],
    [
      'a read of an unknown root',
      { a: { ...worker, input: { x: '${inputs.a}' } } },
      'workflow_invalid',
      '/steps/a/input',
      /paths start at input, steps, run/,
    ],
    [
      'a read of an unknown step',
      { a: { ...worker, input: { x: '${steps.zz.output}' } } },
      'workflow_invalid',
      '/steps/a/input',
      /unknown step "zz"/,
    ],
    [
      'a read of a step that is not upstream',
      {
        a: worker,
        b: { ...worker, condition: 'steps.a.output.ok' },
      },
      'workflow_invalid',
      '/steps/b/condition',
      /does not depend on: add it to depends_on/,
    ],
    [
      'a for_each over a step that is not upstream',
      { a: worker, b: { ...worker, for_each: '${steps.a.output.items}' } },
      'workflow_invalid',
      '/steps/b/for_each',
      /expression reads step "a", which "b" does not depend on/,
    ],
    [
      'a loop body reading an unknown root',
      { l: { type: 'loop', while: 'loop.index < 2',
        body: { type: 'transform', input: { x: '${item}' } } } },
      'workflow_invalid',
      '/steps/l/body/input',
      /expression reads "item"/,
    ],
    [
      'for_each on an approval step',
      { a: { type: 'approval', for_each: '${input.items}' } },
      'workflow_invalid',
      '/steps/a/for_each',
      /for_each works on worker, transform, notify, http, storage, llm, container, script steps/,
    ],
    [
      'a branch naming a step that does not depend on it',
      { c: { type: 'condition', condition: 'true', then: ['a'] }, a: worker },
      'workflow_invalid',
      '/steps/c/then/0',
      /step "a" must depend on "c"/,
    ],
    [
      'on_error naming an unknown step',
      { a: { ...worker, on_error: 'zz' } },
      'workflow_invalid',
      '/steps/a/on_error',
      /on_error must name another step/,
    ],
    [
      'two on_error routes to each other',
      { a: { ...worker, on_error: 'b' }, b: { ...worker, on_error: 'a' } },
      'workflow_invalid',
      '/steps/b/on_error',
      /on_error of "b" names "a", which waits for "b" to fail: a -> b -> a/,
    ],
    [
      'an on_error route to a step it depends on',
      { a: { ...worker, depends_on: ['b'], on_error: 'b' }, b: worker },
      'workflow_invalid',
      '/steps/a/on_error',
      /on_error of "a" names "b", which waits for "a" to fail: b -> a -> b/,
    ],
    [
      'a bad read in a step whose id holds "/" and "~", as a JSON pointer spells them',
      { 'a/b~c': { ...worker, input: { x: '${nope.x}' } } },
      'workflow_invalid',
      '/steps/a~1b~0c/input',
      /expression reads "nope"/,
    ],
    [
      'a route between steps whose ids hold "/"',
      { 'x/a': { ...worker, on_error: 'x/b' }, 'x/b': { ...worker, on_error: 'x/a' } },
      'workflow_invalid',
      '/steps/x~1b/on_error',
      /on_error of "x\/b" names "x\/a"/,
    ],
    [
      'a loop without while',
      { a: { type: 'loop', input: {} } },
      'workflow_invalid',
      '/steps/a/while',
      /a loop step needs "while"/,
    ],
    ...[0, -1, 2.5].map((n): (typeof invalid)[number] => [
      `a loop with max_iterations ${n}`,
      { a: { type: 'loop', while: 'true', max_iterations: n } },
      'workflow_invalid',
      '/steps/a/max_iterations',
      /max_iterations is a whole number from 1 to 1000/,
    ]),
    [
      'a for_each with max_parallel 0',
      { a: { type: 'transform', for_each: '${input.items}', max_parallel: 0 } },
      'workflow_invalid',
      '/steps/a/max_parallel',
      /max_parallel is a whole number of at least 1/,
    ],
    [
      'a delay_until that is not a date',
      { a: { type: 'delay', delay_until: 'tomorrow' } },
      'workflow_invalid',
      '/steps/a/delay_until',
      /of step "a" is not an RFC 3339 date-time/,
    ],
    [
      'an unknown step type',
      { a: { type: 'teleport' as string as StepType } },
      'step_type_unsupported',
      '/steps/a/type',
      /step type "teleport" is not a Cordum step type/,
    ],
  ];
  it.each(invalid)('rejects %s', (_name, steps, code, path, message) => {
    const error = thrown(() => planWorkflow(workflow('bad', steps), DEMO_SCHEMAS));
    expect(error.code).toBe(code);
    expect(error.issues).toContainEqual(
      expect.objectContaining({
        file: 'workflows/bad.yaml',
        path,
        message: expect.stringMatching(message),
      }),
    );
  });

  it('names the workflow, the step and the type of an unsupported step', () => {
    const wait = { type: 'teleport' as string as StepType };
    const wf: Workflow = workflow('later', { ok: worker, wait });
    const error = thrown(() => planWorkflow(wf, DEMO_SCHEMAS));
    expect(error.message).toBe(
      'workflow "demo.later": step "wait" has type "teleport", which is not a step type of ' +
        'the Cordum format (types: worker, approval, condition, switch, parallel, loop, ' +
        'delay, transform, subworkflow, http, notify, input, storage, llm, container, script)',
    );
    expect(error.details).toMatchObject({
      workflow_id: 'demo.later',
      step_id: 'wait',
      type: 'teleport',
    });
    const odd = thrown(() => planWorkflow(workflow('odd', { 'x/y~z': wait }), DEMO_SCHEMAS));
    expect(odd.details).toMatchObject({ step_id: 'x/y~z', type: 'teleport' });
  });

  // Planning is near-linear: the old planner walked each step's whole upstream, O(n^2), and
  // took over a minute on this chain, past the test timeout.
  it('plans a 20,000-step chain whose steps read far upstream', () => {
    const steps: Steps = { s0: { type: 'transform' } };
    for (let i = 1; i < 20_000; i++) {
      const input = { first: '${steps.s0.output}', back: `\${steps.s${i - 1}.output}` };
      steps[`s${i}`] = { type: 'transform', depends_on: [`s${i - 1}`], input };
    }
    steps.side = { type: 'transform' };
    steps.s19999!.condition = 'steps.side.output.ok';
    const error = thrown(() => planWorkflow(workflow('chain', steps), DEMO_SCHEMAS));
    expect(error.issues).toEqual([expect.objectContaining({ path: '/steps/s19999/condition',
      rule: 'expression_not_upstream', message: expect.stringMatching(/step "side"/) })]);

    steps.s19999!.depends_on = ['s19998', 'side'];
    const plan = planWorkflow(workflow('chain', steps), DEMO_SCHEMAS);
    const chain = Array.from({ length: 19_999 }, (_, i) => `s${i}`);
    expect(plan.steps.map((s) => s.id)).toEqual([...chain, 'side', 's19999']);
  });

  it('plans a fan-in of 20,000 steps and branches far down a chain', () => {
    const steps: Steps = {};
    for (let i = 0; i < 20_000; i++) steps[`s${i}`] = { type: 'transform' };
    const ids = Object.keys(steps);
    const reads = Object.fromEntries(ids.map((id) => [id, `\${steps.${id}.output}`]));
    steps.sink = { type: 'transform', depends_on: ids, input: reads };
    for (let i = 0; i < 5_000; i++) {
      const next = i < 4_999 ? { then: [`c${i + 2}`].filter(() => i < 4_998) } : {};
      steps[`c${i}`] = { type: 'condition', condition: 'true',
        depends_on: [i === 0 ? 'sink' : `c${i - 1}`], ...next };
    }
    const plan = planWorkflow(workflow('fan', steps), DEMO_SCHEMAS);
    const byId = new Map(plan.steps.map((s) => [s.id, s]));
    expect(plan.steps.slice(20_000, 20_002).map((s) => s.id)).toEqual(['sink', 'c0']);
    expect(byId.get('sink')!.dependsOn).toHaveLength(20_000);
    expect(byId.get('c4999')!.branch).toEqual({ by: 'c4997', label: 'then' });
    expect(byId.get('c1')!.branch).toBeUndefined();
  });

  it('counts a read through a cycle as upstream and still reports the cycle', () => {
    const error = thrown(() =>
      planWorkflow(
        workflow('loop', {
          a: { type: 'transform', depends_on: ['b'], input: { x: '${steps.c.output}' } },
          b: { type: 'transform', depends_on: ['c'] },
          c: { type: 'transform', depends_on: ['a'] },
          d: { type: 'transform', depends_on: ['e'], input: { x: '${steps.a.output}' } },
          e: { type: 'transform' },
        }),
        DEMO_SCHEMAS,
      ),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({ rule: 'workflow_cycle', message: expect.stringMatching(
        /a -> b -> c -> a/) }),
      expect.objectContaining({ rule: 'expression_not_upstream', path: '/steps/d/input' }),
    ]);
  });

  it('refuses a step id that names an item of a for_each or an iteration of a loop', () => {
    const error = thrown(() =>
      planWorkflow(
        workflow('clash', {
          each: { type: 'transform', for_each: '${input.items}', input: { i: '${item}' } },
          'each[0]': { type: 'transform', input: { literal: true } },
          lp: { type: 'loop', while: 'loop.index < 2' },
          'lp[1]': { type: 'transform' },
          'free[0]': { type: 'transform' },
        }),
        DEMO_SCHEMAS,
      ),
    );
    const issues = error.issues as { rule: string; path: string }[];
    expect(issues.map((i) => [i.rule, i.path])).toEqual([
      ['step_id_reserved', '/steps/each[0]'], ['step_id_reserved', '/steps/lp[1]']]);
    expect(error.message).toMatch(/"each\[0\]" names item of the for_each step "each"/);
  });

  it('refuses a for_each condition that reads item, and delay_sec beside delay_until', () => {
    const error = thrown(() =>
      planWorkflow(
        workflow('gated', {
          each: { type: 'transform', for_each: '${input.items}', condition: 'item > 1',
            input: { i: '${item}' } },
          nap: { type: 'delay', delay_sec: 5, delay_until: '2030-01-01T00:00:00Z' },
          fine: { type: 'transform', for_each: '${input.items}', condition: 'input.on',
            input: { i: '${item}' } },
        }),
        DEMO_SCHEMAS,
      ),
    );
    const issues = error.issues as { rule: string; path: string; message: string }[];
    expect(issues.map((i) => [i.rule, i.path])).toEqual([
      ['expression_root', '/steps/each/condition'], ['delay', '/steps/nap/delay_until']]);
    expect(issues[0]!.message).toMatch(
      /checked once, for the whole step, so it cannot read "item"/);
    expect(issues[1]!.message).toBe('give delay_sec or delay_until, not both');
  });

  it('reports every problem at once', () => {
    const error = thrown(() =>
      planWorkflow(
        workflow('many', {
          a: { type: 'worker' },
          b: { ...worker, depends_on: ['nope'] },
        }),
        DEMO_SCHEMAS,
      ),
    );
    expect(error.issues).toHaveLength(2);
    expect(error.message).toMatch(/\(and 1 more\)$/);
  });
});

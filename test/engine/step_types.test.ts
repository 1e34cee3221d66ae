/**
 * The step types that used to be refused at load time: `storage` against
 * the engine's key-value store, and `llm`, `container` and `script` as jobs
 * sent to the deployment's handlers exactly as worker steps are.
 */
import { describe, expect, it } from 'vitest';
import { builtinHandler } from '../../engine/handlers/builtin.js';
import { httpHandler } from '../../engine/handlers/http.js';
import { handlerTable } from '../../engine/handlers/table.js';
import { planWorkflow } from '../../engine/plan.js';
import { SUPPORTED_STEP_TYPES } from '../../engine/plan_types.js';
import type { RunView } from '../../engine/records.js';
import type { StepType, Workflow } from '../../packs/workflow/types.js';
import { backends } from '../helpers/databases.js';
import {
  DEMO_FRAGMENT,
  DEMO_SCHEMAS,
  demoSnapshot,
  thrown,
  workflow,
} from './fixtures.js';
import { engineSuite } from './suite.js';

function outputOf(view: RunView, id: string): unknown {
  const step = view.steps.find((s) => s.step_id === id);
  if (!step) throw new Error(`no step ${id}`);
  return step.output;
}

const WORKFLOWS: Workflow[] = [
  workflow('remember', {
    put: { type: 'storage', input: { op: 'put', key: '${input.key}', value: '${input.value}' } },
    other: {
      type: 'storage',
      input: { op: 'put', namespace: 'shared', key: '${input.key}', value: 'elsewhere' },
    },
  }),
  workflow('recall', {
    get: { type: 'storage', input: { op: 'get', key: '${input.key}' } },
    list: { type: 'storage', input: { op: 'list', prefix: '${input.prefix}', limit: 2 } },
    shared: { type: 'storage', input: { op: 'get', namespace: 'shared', key: '${input.key}' } },
  }),
  workflow('forget', {
    drop: { type: 'storage', input: { op: 'delete', key: '${input.key}' } },
    again: { type: 'storage', depends_on: ['drop'], input: { op: 'get', key: '${input.key}' } },
  }),
  workflow('many', {
    each: {
      type: 'storage',
      for_each: '${input.keys}',
      input: { op: 'put', key: 'many/${item}', value: '${index}' },
    },
    list: { type: 'storage', depends_on: ['each'], input: { op: 'list', prefix: 'many/' } },
  }),
  workflow('dynamic', { any: { type: 'storage', input: { op: '${input.op}', key: 'k' } } }),
  workflow('work', {
    summarize: {
      type: 'llm',
      input: { model: 'small', prompt: 'Summarize ${input.text}' },
      meta: { pack_id: 'demo', capability: 'demo.summarize' },
    },
    build: {
      type: 'container',
      topic: 'job.demo.build',
      depends_on: ['summarize'],
      input: { image: 'node:20', command: ['node', '-v'], env: { CI: '1' } },
      retry: { max_retries: 1, initial_backoff_sec: 0.01 },
      meta: { idempotency_key: 'build-once' },
    },
    check: {
      type: 'script',
      depends_on: ['build'],
      input: { language: 'js', source: 'return 1', message: '${steps.build.output.echo}' },
    },
  }),
  workflow('flaky', {
    build: {
      type: 'container',
      input: { image: 'node:20', fail_first: 1, message: 'built' },
      retry: { max_retries: 1, initial_backoff_sec: 0.01 },
    },
  }),
];

const REVIEW_SCRIPTS = {
  ...DEMO_FRAGMENT,
  rules: [
    {
      id: 'review-scripts',
      match: { topics: ['job.demo.script.*'] },
      decision: 'require_approval' as const,
      reason: 'a person reads scripts first',
    },
    ...DEMO_FRAGMENT.rules!,
  ],
};

/** Denies model calls; everything else of the demo pack is as the demo policy says. */
const NO_LLM = {
  ...DEMO_FRAGMENT,
  rules: [
    {
      id: 'no-llm',
      match: { topics: ['job.demo.llm.*'] },
      decision: 'deny' as const,
      reason: 'no model calls',
    },
    ...DEMO_FRAGMENT.rules!,
  ],
};

describe.each(backends())('storage, llm, container and script steps on $name', (backend) => {
  const suite = engineSuite(backend, (worker) => {
    const http = () => httpHandler({ url: worker.url });
    return {
      snapshot: demoSnapshot(),
      workflows: WORKFLOWS,
      schemas: DEMO_SCHEMAS,
      handlers: handlerTable([
        { topics: ['job.*.llm.*', 'job.demo.container.*'], handler: http() },
        { topics: ['job.demo.build'], handler: http() },
        { topics: ['job.demo.script.*'], handler: builtinHandler('echo') },
      ]),
    };
  });
  const { engine, closeAll } = suite;
  it('puts, gets, lists and deletes keys across runs and after reopening', async () => {
    const first = await engine();
    const put = await first.start('demo.remember', { key: 'user/1', value: { name: 'Ana' } });
    expect(put.run.status).toBe('succeeded');
    expect(outputOf(put, 'put')).toEqual({
      namespace: 'demo',
      key: 'user/1',
      value: { name: 'Ana' },
      found: true,
      created: true,
    });
    await first.start('demo.remember', { key: 'user/2', value: [1, 2] });
    const replaced = await first.start('demo.remember', { key: 'user/1', value: { name: 'Bo' } });
    expect(outputOf(replaced, 'put')).toMatchObject({ created: false, value: { name: 'Bo' } });
    await first.start('demo.remember', { key: 'user/3', value: null });
    await first.start('demo.remember', { key: 'team/1', value: 'x' });

    const read = await first.start('demo.recall', { key: 'user/1', prefix: 'user/' });
    expect(outputOf(read, 'get')).toEqual({
      namespace: 'demo',
      key: 'user/1',
      found: true,
      value: { name: 'Bo' },
    });
    expect(outputOf(read, 'list')).toEqual({
      namespace: 'demo',
      prefix: 'user/',
      keys: ['user/1', 'user/2'],
      entries: [
        { key: 'user/1', value: { name: 'Bo' } },
        { key: 'user/2', value: [1, 2] },
      ],
      truncated: true,
    });
    expect(outputOf(read, 'shared')).toMatchObject({ namespace: 'shared', value: 'elsewhere' });

    await closeAll();
    const second = await engine();
    const again = await second.start('demo.recall', { key: 'user/3', prefix: 'team' });
    expect(outputOf(again, 'get')).toMatchObject({ found: true, value: null });
    expect(outputOf(again, 'list')).toMatchObject({ keys: ['team/1'], truncated: false });
    const gone = await second.start('demo.forget', { key: 'user/1' });
    expect(outputOf(gone, 'drop')).toEqual({ namespace: 'demo', key: 'user/1', found: true });
    expect(outputOf(gone, 'again')).toMatchObject({ found: false, value: null });
    const twice = await second.start('demo.forget', { key: 'user/1' });
    expect(outputOf(twice, 'drop')).toMatchObject({ found: false });
  });

  it('keeps each tenant to its own keys', async () => {
    const ours = await engine({ tenant: 'acme' });
    await ours.start('demo.remember', { key: 'secret', value: 42 });
    await closeAll();
    const theirs = await engine({ tenant: 'globex' });
    const view = await theirs.start('demo.recall', { key: 'secret', prefix: '' });
    expect(outputOf(view, 'get')).toMatchObject({ found: false });
    expect(outputOf(view, 'list')).toMatchObject({ keys: [] });
    await closeAll();
    const back = await (await engine({ tenant: 'acme' })).start('demo.recall', {
      key: 'secret',
      prefix: '',
    });
    expect(outputOf(back, 'get')).toMatchObject({ found: true, value: 42 });
  });

  it('runs a storage step once per for_each item', async () => {
    const view = await (await engine()).start('demo.many', { keys: ['b', 'a'] });
    expect(view.run.status).toBe('succeeded');
    expect(outputOf(view, 'list')).toMatchObject({
      keys: ['many/a', 'many/b'],
      entries: [
        { key: 'many/a', value: 1 },
        { key: 'many/b', value: 0 },
      ],
    });
  });

  it('fails a storage step whose rendered op is not one of the four', async () => {
    const view = await (await engine()).start('demo.dynamic', { op: 'drop' });
    expect(view.run.status).toBe('failed');
    expect(view.steps[0]?.error).toMatchObject({
      code: 'storage_invalid',
      message: 'storage step "any": input.op: op must be one of put, get, delete, list, not "drop"',
    });
  });

  it('sends llm, container and script steps as jobs to the handler of their topic', async () => {
    const view = await (await engine()).start('demo.work', { text: 'the news' });
    expect(view.run.status).toBe('succeeded');
    const [llm, container] = suite.worker.jobs.map((j) => j.body);
    expect(suite.worker.jobs).toHaveLength(2);
    expect(llm).toMatchObject({
      topic: 'job.demo.llm.summarize',
      step_id: 'summarize',
      input: { model: 'small', prompt: 'Summarize the news' },
      meta: { step_type: 'llm', pack_id: 'demo', capability: 'demo.summarize' },
      idempotency_key: `${view.run.id}:summarize:1`,
      attempt: 1,
    });
    expect(container).toMatchObject({
      topic: 'job.demo.build',
      input: { image: 'node:20', command: ['node', '-v'], env: { CI: '1' } },
      meta: { step_type: 'container', idempotency_key: 'build-once' },
      idempotency_key: 'build-once',
    });
    const script = view.steps.find((s) => s.step_id === 'check')!;
    expect(script.job).toMatchObject({ handler: 'builtin:echo' });
    expect(script.decision).toMatchObject({
      decision: 'allow',
      rule_id: 'demo-allow',
      request: { topic: 'job.demo.script.check', packId: 'demo' },
    });
    expect(script.output).toMatchObject({
      input: { language: 'js', source: 'return 1' },
      job_id: `${view.run.id}:check@1`,
    });
  });

  it('retries a failed container job with a new idempotency key per attempt', async () => {
    const view = await (await engine()).start('demo.flaky', {});
    expect(view.run.status).toBe('succeeded');
    expect(suite.worker.jobs.map((j) => j.body.idempotency_key)).toEqual([
      `${view.run.id}:build:1`,
      `${view.run.id}:build:2`,
    ]);
    expect(suite.worker.jobs[0]?.body.topic).toBe('job.demo.container.build');
    expect(outputOf(view, 'build')).toMatchObject({ echo: 'built' });
  });

  it('parks a script step for approval and sends its job once approved', async () => {
    const e = await engine({ snapshot: demoSnapshot(REVIEW_SCRIPTS) });
    const waiting = await e.start('demo.work', { text: 'x' });
    expect(waiting.run.status).toBe('waiting');
    expect(waiting.approvals).toMatchObject([{ step_id: 'check', rule_id: 'review-scripts' }]);
    const done = await e.approve(waiting.run.id, 'check');
    expect(done.run.status).toBe('succeeded');
    expect(outputOf(done, 'check')).toMatchObject({ input: { language: 'js' } });
  });

  it('lets the policy deny an llm step before any job is sent', async () => {
    const view = await (await engine({ snapshot: demoSnapshot(NO_LLM) })).start('demo.work', {
      text: 'x',
    });
    expect(view.run.status).toBe('failed');
    expect(view.steps.find((s) => s.step_id === 'summarize')?.error).toMatchObject({
      code: 'policy_denied',
      rule_id: 'no-llm',
      message: 'rule no-llm denied job.demo.llm.summarize: no model calls',
    });
    expect(suite.worker.jobs).toEqual([]);
  });

  it('fails a job step with no handler for its topic at run time, as a worker step', async () => {
    const e = await engine({ handlers: handlerTable([]) });
    const view = await e.start('demo.work', { text: 'x' });
    expect(view.steps.find((s) => s.step_id === 'summarize')?.error).toMatchObject({
      code: 'handler_missing',
      message: expect.stringContaining('job.demo.llm.summarize'),
    });
  });
});

describe('loading the step types', () => {
  it.each(SUPPORTED_STEP_TYPES.map((t) => [t]))('accepts a %s step', (type) => {
    const extra: Record<string, unknown> = {
      worker: { topic: 'job.demo.echo' },
      condition: { condition: true },
      switch: { value: '${input.x}', cases: {} },
      loop: { while: false },
      delay: { delay_sec: 1 },
      subworkflow: { workflow: 'demo.other' },
      http: { url: 'http://127.0.0.1/' },
      storage: { input: { op: 'get', key: 'k' } },
    };
    const step = { type, ...(extra[type] as object) };
    const plan = planWorkflow(workflow('all', { s: step }), DEMO_SCHEMAS);
    expect(plan.steps.map((s) => s.type)).toEqual([type]);
  });

  it('gives job steps their default topic and step_type at load time', () => {
    const plan = planWorkflow(
      workflow('jobs', { ask: { type: 'llm' }, run: { type: 'script', topic: 'job.demo.js' } }),
      DEMO_SCHEMAS,
    );
    expect(plan.steps.map((s) => [s.step.topic, s.step.meta])).toEqual([
      ['job.demo.llm.ask', { step_type: 'llm' }],
      ['job.demo.js', { step_type: 'script' }],
    ]);
  });

  it('refuses an unknown step type with step_type_unsupported', () => {
    const wf = workflow('odd', { s: { type: 'teleport' as string as StepType } });
    const error = thrown(() => planWorkflow(wf, DEMO_SCHEMAS));
    expect(error.code).toBe('step_type_unsupported');
    expect(error.details).toMatchObject({ step_id: 's', type: 'teleport' });
  });

  const invalid: [string, unknown, string, RegExp][] = [
    ['no input', undefined, '/steps/s/input', /needs input: an object with "op"/],
    ['no op', { key: 'k' }, '/steps/s/input/op', /needs input\.op: put, get, delete, list/],
    ['an unknown op', { op: 'drop', key: 'k' }, '/steps/s/input/op', /not "drop"/],
    ['a put without value', { op: 'put', key: 'k' }, '/steps/s/input/value', /needs input\.value/],
    ['a get without key', { op: 'get' }, '/steps/s/input/key', /a get needs input\.key/],
    ['a list with a key', { op: 'list', key: 'k' }, '/steps/s/input/key', /a list has no key/],
    ['a list limit of 0', { op: 'list', limit: 0 }, '/steps/s/input/limit', /whole number/],
    ['an empty key', { op: 'delete', key: '' }, '/steps/s/input/key', /non-empty string/],
    ['an unknown field', { op: 'get', key: 'k', ttl: 5 }, '/steps/s/input/ttl', /has op, key/],
  ];
  it.each(invalid)('refuses a storage step with %s', (_name, input, path, message) => {
    const step = { type: 'storage' as const, ...(input === undefined ? {} : { input }) };
    const error = thrown(() => planWorkflow(workflow('bad', { s: step }), DEMO_SCHEMAS));
    expect(error.code).toBe('workflow_invalid');
    expect(error.issues).toContainEqual(
      expect.objectContaining({ path, message: expect.stringMatching(message), rule: 'storage' }),
    );
  });

  it('leaves templated storage fields to the run', () => {
    const input = { op: '${input.op}', key: '${input.key}', value: { at: '${input.at}' } };
    const plan = planWorkflow(workflow('ok', { s: { type: 'storage', input } }), DEMO_SCHEMAS);
    expect(plan.steps).toHaveLength(1);
  });
});

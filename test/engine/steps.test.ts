import { describe, expect, it } from 'vitest';
import { builtinHandler } from '../../engine/handlers/builtin.js';
import { httpHandler } from '../../engine/handlers/http.js';
import { handlerTable } from '../../engine/handlers/table.js';
import type { RunView, StepRecord } from '../../engine/records.js';
import { parseYaml } from '../../packs/documents.js';
import type { Step, Workflow } from '../../packs/workflow/types.js';
import { backends } from '../helpers/databases.js';
import { DEMO_SCHEMAS, demoSnapshot, rejection, workflow } from './fixtures.js';
import { engineSuite } from './suite.js';

const meta = { pack_id: 'demo', capability: 'demo.echo' };
const slow = (message: string, extra: Record<string, unknown> = {}) => ({
  type: 'worker' as const,
  topic: 'job.demo.slow',
  input: { message, sleep_ms: 300 },
  meta,
  ...extra,
});

/** Whether two steps were in flight at the same time. */
function overlap(a: StepRecord, b: StepRecord): boolean {
  const t = (v?: string) => Date.parse(v!);
  return t(a.started_at) < t(b.finished_at) && t(b.started_at) < t(a.finished_at);
}

function stepOf(view: RunView, id: string) {
  const step = view.steps.find((s) => s.step_id === id);
  if (!step) throw new Error(`no step ${id}`);
  return step;
}

const WORKFLOWS: Workflow[] = [
  workflow('fan', {
    a: slow('a'),
    b: slow('b'),
    join: { type: 'parallel', depends_on: ['a', 'b'] },
  }),
  workflow('branches', {
    check: { type: 'condition', condition: 'input.n > 3', then: ['big'], else: ['small'] },
    big: { type: 'transform', depends_on: ['check'], input: { size: 'big' } },
    small: { type: 'transform', depends_on: ['check'], input: { size: 'small' } },
    pick: {
      type: 'switch',
      value: '${input.env}',
      cases: { prod: ['careful'], dev: ['quick'] },
      default: ['other'],
    },
    careful: { type: 'transform', depends_on: ['pick'], input: { mode: 'careful' } },
    quick: { type: 'transform', depends_on: ['pick'], input: { mode: 'quick' } },
    other: { type: 'transform', depends_on: ['pick'], input: { mode: 'other' } },
  }),
  workflow('nulls', {
    pick: { type: 'switch', value: '${input.mode}', cases: { null: ['none'], '0': ['zero'] },
      default: ['other'] },
    none: { type: 'transform', depends_on: ['pick'], input: { took: 'null' } },
    zero: { type: 'transform', depends_on: ['pick'], input: { took: '0' } },
    other: { type: 'transform', depends_on: ['pick'], input: { took: 'default' } },
  }),
  // As a pack's YAML writes it: a bare `null:` key reads as an empty label.
  workflow('yaml-nulls', parseYaml(`
pick: { type: switch, value: '\${input.mode}', cases: { null: [none], 0: [zero] },
  default: [other] }
none: { type: transform, depends_on: [pick], input: { took: 'null' } }
zero: { type: transform, depends_on: [pick], input: { took: '0' } }
other: { type: transform, depends_on: [pick], input: { took: default } }
`, 'yaml-nulls.yaml') as Record<string, Step>),
  workflow('each', {
    each: {
      ...slow('${item}'),
      input: { message: 'item ${index}: ${item}', sleep_ms: 300 },
      for_each: '${input.items}',
      max_parallel: 2,
    },
    total: {
      type: 'transform',
      depends_on: ['each'],
      input: { n: '${length(steps.each.output)}' },
    },
  }),
  workflow('each-fails', {
    each: {
      ...slow('${item}'),
      input: { message: 'item ${index}', sleep_ms: 10, status: '${item}' },
      for_each: '${input.statuses}',
      max_parallel: 1,
    },
  }),
  workflow('writes', {
    each: {
      type: 'worker',
      topic: 'job.demo.write',
      for_each: ['a', 'b'],
      input: { message: '${item}' },
      meta: { pack_id: 'demo', capability: 'demo.write', risk_tags: ['write'] },
    },
  }),
  workflow('count', {
    count: {
      type: 'loop',
      while: 'loop.index < input.times',
      input: { seen: '${loop.index}' },
      max_iterations: 10,
    },
  }),
  workflow('pause', {
    wait: { type: 'delay', delay_sec: 0.3 },
    later: { type: 'transform', depends_on: ['wait'], input: { ok: true } },
  }),
  workflow('park', { wait: { type: 'delay', delay_sec: 3600 } }),
  workflow('until', { wait: { type: 'delay', delay_until: '${input.until}' } }),
  workflow('gate-times-out', { gate: { type: 'approval', timeout_sec: 2 } }),
  workflow('ask-times-out', { ask: { type: 'input', name: 'Region?', timeout_sec: 2 } }),
  workflow('nap', { wait: { type: 'delay', delay_sec: 30, timeout_sec: 0.2 } }),
  workflow('outer', {
    child: { type: 'subworkflow', workflow: 'demo.count', input: { times: 2 } },
  }),
  workflow('call', {
    call: {
      type: 'http',
      url: '${input.url}',
      method: 'POST',
      input: { input: { message: 'hello' } },
    },
  }),
  workflow('call-with', {
    call: { type: 'http', url: '${input.url}', method: 'POST', input: '${input.body}' },
  }),
  workflow('call-again', {
    call: { type: 'http', url: '${input.url}', method: 'POST', input: '${input.body}',
      retry: { max_retries: 2, initial_backoff_sec: 0.01 } },
  }),
  workflow('ask', {
    ask: { type: 'input', name: 'Which region?' },
    use: {
      type: 'transform',
      depends_on: ['ask'],
      input: { region: '${steps.ask.output.region}' },
    },
  }),
  workflow(
    'defaults',
    { show: { type: 'transform', input: { greeting: '${input.greeting} ${input.name}' } } },
    {
      parameters: { greeting: { default: 'hello' }, name: { type: 'string' } },
      input_schema: {
        type: 'object',
        required: ['greeting', 'name'],
        properties: { greeting: { type: 'string' }, name: { type: 'string' } },
      },
    },
  ),
  workflow('rescue', {
    risky: { ...slow('x'), topic: 'job.demo.dangerous', on_error: 'cleanup' },
    after: { type: 'transform', depends_on: ['risky'], input: {} },
    cleanup: { type: 'transform', input: { why: '${steps.risky.error.code}' } },
  }),
  workflow('keyed', {
    each: {
      type: 'worker', topic: 'job.demo.echo', for_each: '${input.items}',
      input: { message: '${item}' },
      meta: { ...meta, idempotency_key: 'order-${input.order}-${item}' },
    },
  }),
  // The handler also depends on the step that routes to it: that failure meets the dependency.
  workflow('rescue_after', {
    bad: { ...slow('x'), topic: 'job.demo.dangerous', on_error: 'fix' },
    fix: { type: 'transform', depends_on: ['bad'], input: { why: '${steps.bad.error.code}' } },
  }),
  // Nothing fails: the route is skipped as it becomes moot, and what follows it runs.
  workflow('unused_route', {
    ok: { type: 'transform', input: { fine: true }, on_error: 'cleanup' },
    cleanup: { type: 'transform', input: {} },
    after: { type: 'transform', depends_on: ['cleanup'], input: { ran: true } },
  }),
];

describe.each(backends())('step types on $name', (backend) => {
  const suite = engineSuite(backend, (worker) => ({
    snapshot: demoSnapshot(),
    workflows: WORKFLOWS,
    schemas: DEMO_SCHEMAS,
    handlers: handlerTable([
      { topics: ['job.demo.slow'], handler: httpHandler({ url: worker.url }) },
      { topics: ['job.demo.*'], handler: builtinHandler('echo') },
    ]),
    httpAllowlist: [new URL('/jobs', worker.url).href],
  }));
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

  it.each(['garbage', '5', 'version 2', '2026-02-31T00:00:00Z', 1_700_000_000_000])(
    'fails a delay_until that renders to %j, no RFC 3339 date-time, as an expression failure',
    async (until) => {
      const e = await engine();
      const view = await e.start('demo.until', { until });
      expect(view.run.status).toBe('failed');
      expect(stepOf(view, 'wait').error).toMatchObject({ code: 'expression_failed',
        message: `delay_until of step "wait" is ${JSON.stringify(until)}, which is not an ` +
          'RFC 3339 date-time with a time zone, such as 2026-03-01T09:00:00Z' });
    });

  it('waits for a delay_until rendered with an offset until that instant', async () => {
    const e = await engine();
    const view = await e.start('demo.until', { until: '2000-01-01T02:00:00+02:00' });
    expect(view.run.status).toBe('succeeded');
    expect(stepOf(view, 'wait').output).toEqual({ waited_until: '2000-01-01T00:00:00.000Z' });
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

  it('refuses an approval or input given past the step\'s timeout_sec, timing it out', async () => {
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

  it('runs a subworkflow and answers its outputs', async () => {
    const e = await engine();
    const view = await e.start('demo.outer', {});
    expect(view.run.status).toBe('succeeded');
    const out = stepOf(view, 'child').output as { run_id: string; outputs: unknown };
    expect(out.outputs).toEqual({ count: { iterations: 2, output: { seen: 1 },
      outputs: [{ seen: 0 }, { seen: 1 }] } });
    expect((await e.view(out.run_id)).run.workflow_id).toBe('demo.count');
  });

  it('calls only URLs the deployment allows', async () => {
    const e = await engine();
    const ok = await e.start('demo.call', { url: suite.worker.url });
    expect(stepOf(ok, 'call').output).toMatchObject({ status: 200, body: { echo: 'hello' } });
    const other = suite.worker.url.replace('/jobs', '/admin');
    const refused = await e.start('demo.call', { url: other });
    expect(stepOf(refused, 'call').error?.code).toBe('http_not_allowed');
    // A query (a token, say) is never shown in the step's error.
    const secret = await e.start('demo.call', { url: `${other}?token=SECRET` });
    expect(stepOf(secret, 'call').error?.message).toContain('/admin?…');
    expect(JSON.stringify(stepOf(secret, 'call').error)).not.toContain('SECRET');
    expect(suite.worker.jobs).toHaveLength(1);
  });

  it('retries an http step after a 503, with one idempotency key for every call', async () => {
    const e = await engine();
    const url = suite.worker.url;
    const twice = await e.start('demo.call-again', { url,
      body: { input: { message: 'again', fail_calls: 2 } } });
    expect(stepOf(twice, 'call')).toMatchObject({ status: 'succeeded',
      output: { status: 200, body: { echo: 'again' } } });
    const keys = suite.worker.jobs.map((j) => j.headers['idempotency-key']);
    expect(keys).toEqual([`${twice.run.id}:call`, `${twice.run.id}:call`, `${twice.run.id}:call`]);
    const events = (await e.timeline(twice.run.id)).filter((t) => t.type === 'job_failed');
    expect(events.map((t) => t.details?.attempt)).toEqual([1, 2]);
    const always = await e.start('demo.call-again', { url,
      body: { input: { message: 'no', fail_calls: 9 } } });
    expect(stepOf(always, 'call').error).toMatchObject({ code: 'http_failed',
      message: expect.stringMatching(/answered 503/) });
    expect(suite.worker.jobs).toHaveLength(6);
  });

  it('refuses an answer holding a NUL, and quotes a failed one with the NUL replaced', async () => {
    const e = await engine();
    const url = suite.worker.url;
    const json = { raw: '["a\\u0000"]', type: 'application/json' };
    const nul = await e.start('demo.call-with', { url, body: { input: json } });
    expect(stepOf(nul, 'call').error).toMatchObject({
      code: 'http_bad_output',
      details: { status: 200, at: '/0' },
    });
    const text = await e.start('demo.call-with', { url, body: { input: { raw: 'x', nul: true } } });
    expect(stepOf(text, 'call').error?.code).toBe('http_bad_output');
    const down = { input: { raw: 'down', nul: true, status: 503 } };
    const failed = await e.start('demo.call-with', { url, body: down });
    expect(stepOf(failed, 'call').error).toMatchObject({
      code: 'http_failed',
      message: expect.stringMatching(/answered 503: down\ufffd$/),
      details: { status: 503, body: 'down\ufffd' },
    });
    expect((await e.view(failed.run.id)).run.status).toBe('failed');
    const deep = { raw: `${'['.repeat(20_000)}${']'.repeat(20_000)}`, type: 'application/json' };
    const tooDeep = await e.start('demo.call-with', { url, body: { input: deep } });
    expect(stepOf(tooDeep, 'call').error?.code).toBe('http_bad_output');
  });

  it('keeps only the first MiB of an answer, reading no further', async () => {
    const e = await engine();
    const raw = `${'é'.repeat(600_000)}tail`;
    const asked = { url: suite.worker.url, body: { input: { raw } } };
    const view = await e.start('demo.call-with', asked);
    const body = (stepOf(view, 'call').output as { body: string }).body;
    // 2^20 bytes of two-byte characters: exactly 2^19 of them, and no tail.
    expect([body.length, body.slice(-3)]).toEqual([2 ** 19, 'ééé']);
  });

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
    expect(again.code).toBe('input_not_waiting');
  });

  it('fills parameter defaults before checking input_schema', async () => {
    const e = await engine();
    const view = await e.start('demo.defaults', { name: 'ana' });
    expect(stepOf(view, 'show').output).toEqual({ greeting: 'hello ana' });
    const bad = await rejection(e.start('demo.defaults', {}));
    expect(bad.code).toBe('input_invalid');
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

  it('skips an on_error step nobody routed to, and runs what depends on it', async () => {
    const view = await (await engine()).start('demo.unused_route', {});
    expect([stepOf(view, 'cleanup').status, stepOf(view, 'cleanup').skipped]).toEqual(
      ['succeeded', true]);
    expect([stepOf(view, 'after').status, stepOf(view, 'after').output]).toEqual(
      ['succeeded', { ran: true }]);
    expect(view.run.status).toBe('succeeded');
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

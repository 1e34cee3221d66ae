import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinHandler } from '../../engine/handlers/builtin.js';
import { handlerTable } from '../../engine/handlers/table.js';
import type { JobHandler } from '../../engine/handlers/types.js';
import type { RunView } from '../../engine/records.js';
import { createEngine, type Engine, type EngineOptions } from '../../engine/runner.js';
import type { Database } from '../../storage/database.js';
import { backends } from '../helpers/databases.js';
import {
  DEMO_SCHEMAS,
  DEMO_WORKFLOWS,
  demoSnapshot,
  freshDatabase,
  rejection,
  workflow,
} from './fixtures.js';

const snapshot = demoSnapshot();

function stepOf(view: RunView, id: string) {
  const step = view.steps.find((s) => s.step_id === id);
  if (!step) throw new Error(`no step ${id}`);
  return step;
}

describe.each(backends())('runner on $name', (backend) => {
  let open: () => Promise<Database>;
  const opened: Database[] = [];

  async function engine(extra: Partial<EngineOptions> = {}): Promise<Engine> {
    const db = await open();
    opened.push(db);
    return createEngine({
      db,
      snapshot,
      workflows: DEMO_WORKFLOWS,
      schemas: DEMO_SCHEMAS,
      handlers: handlerTable([{ topics: ['job.demo.*'], handler: builtinHandler('echo') }]),
      ...extra,
    });
  }

  /** Closes every open connection: what a process exiting does. */
  async function exitProcess() {
    while (opened.length > 0) await opened.pop()!.close();
  }

  beforeEach(async () => {
    ({ open } = await freshDatabase(backend));
  });
  afterEach(exitProcess);

  it('runs an allowed worker step and records the decision with the snapshot hash', async () => {
    const e = await engine();
    const view = await e.start('demo.hello', { message: 'hi' });

    expect(view.run.status).toBe('succeeded');
    expect(view.run.tenant_id).toBe('default');
    expect(view.run.snapshot_hash).toBe(snapshot.hash);
    const echo = stepOf(view, 'echo');
    expect(echo.status).toBe('succeeded');
    expect(echo.attempts).toBe(1);
    // `author` was not given, so it is left out rather than sent as "".
    expect(echo.input).toEqual({ message: 'hi' });
    expect(echo.output).toMatchObject({ echo: 'hi', job_id: `${view.run.id}:echo@1` });
    expect(echo.decision).toMatchObject({
      decision: 'allow',
      rule_id: 'demo-allow',
      snapshot_hash: snapshot.hash,
      request: {
        topic: 'job.demo.echo',
        packId: 'demo',
        capability: 'demo.echo',
        tenantId: 'default',
      },
    });
    expect(echo.job).toMatchObject({
      idempotency_key: `${view.run.id}:echo:1`,
      handler: 'builtin:echo',
    });
    expect(view.run.finished_at).toBeDefined();

    const timeline = await e.timeline(view.run.id);
    expect(timeline.map((t) => t.type)).toEqual([
      'run_created',
      'run_status',
      'step_started',
      'decision',
      'job_dispatched',
      'step_succeeded',
      'run_status',
    ]);
    expect(timeline.at(-1)?.status).toBe('succeeded');
  });

  it('fails a denied step with its rule and reason, and cancels what follows', async () => {
    const e = await engine();
    const view = await e.start('demo.denied', {});

    expect(view.run.status).toBe('failed');
    expect(stepOf(view, 'first').status).toBe('succeeded');
    const danger = stepOf(view, 'danger');
    expect(danger.status).toBe('failed');
    expect(danger.error).toMatchObject({
      code: 'policy_denied',
      rule_id: 'demo-deny',
      message: 'rule demo-deny denied job.demo.dangerous: Dangerous operation blocked',
    });
    expect(danger.decision).toMatchObject({
      decision: 'deny',
      rule_id: 'demo-deny',
      reason: 'Dangerous operation blocked',
      snapshot_hash: snapshot.hash,
      remediations: [{ id: 'use-safe', replacement_topic: 'job.demo.safe' }],
    });
    expect(danger.attempts).toBe(0);
    expect(stepOf(view, 'after')).toMatchObject({
      status: 'cancelled',
      error: { code: 'upstream_failed' },
    });
    expect(view.run.error?.message).toMatch(/^step "danger" failed: rule demo-deny denied/);
  });

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
    await exitProcess();

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
            db: opened[0]!,
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

  it('records a false condition as succeeded and skipped, with no output', async () => {
    const e = await engine();
    const big = await e.start('demo.branch', { count: 5 });
    expect(big.run.status).toBe('succeeded');
    expect(stepOf(big, 'check')).toMatchObject({ status: 'succeeded', output: true });
    expect(stepOf(big, 'big')).toMatchObject({
      status: 'succeeded',
      skipped: false,
      output: { echo: 'big 5' },
    });
    const small = stepOf(big, 'small');
    expect(small).toMatchObject({ status: 'succeeded', skipped: true, attempts: 0 });
    expect(small.output).toBeUndefined();
    expect(small.decision).toBeUndefined();
    expect(stepOf(big, 'summary').output).toEqual({ big: 'big 5', count: 5 });

    const little = await e.start('demo.branch', { count: 1 });
    expect(stepOf(little, 'big').skipped).toBe(true);
    expect(stepOf(little, 'summary').output).toEqual({ small: 'small', count: 1 });
  });

  it('fails a step whose input breaks its schema, naming the path', async () => {
    const view = await (await engine()).start('demo.hello', { message: 42 });
    expect(view.run.status).toBe('failed');
    const echo = stepOf(view, 'echo');
    expect(echo.error).toMatchObject({
      code: 'input_invalid',
      issues: [
        { path: '/message', schema_path: '#/properties/message/type', message: 'must be string' },
      ],
    });
    expect(echo.error?.message).toBe(
      'input of step "echo" does not match schema demo/HelloInput: /message: must be string',
    );
    expect(echo.decision).toBeUndefined();
    expect(echo.attempts).toBe(0);
  });

  it('fails a step whose output breaks its schema', async () => {
    const e = await engine({
      handlers: handlerTable([{ topics: ['job.demo.*'], handler: builtinHandler('noop') }]),
    });
    const view = await e.start('demo.hello', { message: 'hi' });
    expect(stepOf(view, 'echo').error).toMatchObject({
      code: 'output_invalid',
      issues: [
        { path: '/echo', message: 'is required but missing' },
        { path: '/job_id' },
        { path: '/received_at' },
      ],
    });
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

  it('fails a step that has no handler for its topic', async () => {
    const e = await engine({ handlers: handlerTable([]) });
    const view = await e.start('demo.hello', { message: 'hi' });
    expect(stepOf(view, 'echo').error).toMatchObject({ code: 'handler_missing' });
    expect(stepOf(view, 'echo').error?.message).toMatch(/job\.demo\.echo/);
  });

  it('lists runs newest first and shows one', async () => {
    let tick = Date.parse('2025-01-01T00:00:00Z');
    const e = await engine({ clock: () => new Date((tick += 1000)) });
    const a = await e.start('demo.hello', { message: 'a' });
    const b = await e.start('demo.denied', {});
    const runs = await e.list();
    expect(runs.map((r) => r.id)).toEqual([b.run.id, a.run.id]);
    expect(runs[1]?.created_at).toBe('2025-01-01T00:00:01.000Z');
    expect((await e.view(b.run.id)).run.status).toBe('failed');
    expect((await rejection(e.view('nope'))).code).toBe('run_not_found');
  });

  it("checks the run input against the workflow's input_schema before recording", async () => {
    const typed = workflow(
      'typed',
      { echo: { type: 'worker', topic: 'job.demo.echo', input: { message: 'n=${input.count}' } } },
      {
        input_schema: {
          type: 'object',
          properties: { count: { type: 'integer' } },
          required: ['count'],
        },
      },
    );
    const e = await engine({ workflows: [typed] });
    const bad = await rejection(e.start('demo.typed', { count: 'three' }));
    expect(bad.code).toBe('input_invalid');
    expect(bad.issues).toEqual([{ file: '--input', path: '/count', message: 'must be integer' }]);
    expect(await e.list()).toEqual([]);
    const good = await e.start('demo.typed', { count: 3 });
    expect(good.steps[0]?.output).toMatchObject({ echo: 'n=3' });
  });

  it('refuses run input that is not an object or holds a NUL, before recording a run', async () => {
    const e = await engine();
    const notObject = await rejection(e.start('demo.hello', ['a']));
    expect(notObject.code).toBe('input_invalid');
    expect(notObject.message).toBe('the run input must be a JSON object, not an array');
    const nul = await rejection(e.start('demo.hello', { message: 'a\u0000b' }));
    expect(nul.code).toBe('input_invalid');
    expect(nul.message).toContain('the run input at /message holds a NUL character');
    expect(await e.list()).toEqual([]);
  });

  it('refuses a workflow that starts itself through subworkflow steps', async () => {
    const self = workflow('again', { inner: { type: 'subworkflow', workflow: 'demo.again' } });
    const ping = workflow('ping', { call: { type: 'subworkflow', workflow: 'demo.pong' } });
    const pong = workflow('pong', { call: { type: 'subworkflow', workflow: 'demo.ping' } });
    const e = await engine({ workflows: [...DEMO_WORKFLOWS, self, ping, pong] });
    const direct = await rejection(e.start('demo.again', {}));
    expect(direct.code).toBe('workflow_invalid');
    expect(direct.message).toContain('demo.again -> demo.again');
    const mutual = await rejection(e.start('demo.ping', {}));
    expect(mutual.message).toContain('demo.ping -> demo.pong -> demo.ping');
    expect(await e.list()).toEqual([]);
  });

  it('refuses a subworkflow step whose workflow is missing or written as ${...}', async () => {
    const absent = workflow('absent', { call: { type: 'subworkflow', workflow: 'demo.gone' } });
    const templated = workflow('picked', { call: { type: 'subworkflow',
      workflow: '${input.w}' } });
    const e = await engine({ workflows: [...DEMO_WORKFLOWS, absent, templated] });
    const missing = await rejection(e.start('demo.absent', {}));
    expect([missing.code, missing.message]).toEqual(['workflow_invalid', expect.stringMatching(
      /step "call" starts workflow "demo.gone", which no installed pack provides/)]);
    const rendered = await rejection(e.start('demo.picked', { w: 'demo.hello' }));
    expect([rendered.code, rendered.message]).toEqual(['workflow_invalid',
      expect.stringMatching(/"\$\{input.w\}" would not be rendered/)]);
    expect(await e.list()).toEqual([]);
  });

  it('refuses unknown workflows and unsupported step types before recording a run', async () => {
    const looped = workflow('looped', { again: { type: 'teleport' as never, input: {} } });
    const e = await engine({ workflows: [...DEMO_WORKFLOWS, looped] });
    const missing = await rejection(e.start('demo.nope', {}));
    expect(missing.code).toBe('workflow_not_found');
    expect(missing.message).toMatch(/installed: demo\.branch, demo\.denied/);
    const unsupported = await rejection(e.start('demo.looped', {}));
    expect(unsupported.code).toBe('step_type_unsupported');
    expect(unsupported.message).toMatch(/"demo\.looped": step "again" has type "teleport"/);
    expect(await e.list()).toEqual([]);
  });
});

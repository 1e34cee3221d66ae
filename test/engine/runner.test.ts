/**
 * The engine's runner on each backend: starting a run of the demo
 * workflows, a step's decision and timeline, failures (denied, schema,
 * no handler) and what is refused before a run is recorded (input,
 * unknown workflows, subworkflow cycles); listing and showing runs.
 * Approvals and rejections are runner_approvals.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { builtinHandler } from '../../engine/handlers/builtin.js';
import { handlerTable } from '../../engine/handlers/table.js';
import { backends } from '../helpers/databases.js';
import { DEMO_WORKFLOWS, demoSnapshot, rejection, workflow } from './fixtures.js';
import { stepOf } from './held.js';
import { demoEngineSuite } from './suite.js';

const snapshot = demoSnapshot();

describe.each(backends())('runner on $name', (backend) => {
  const suite = demoEngineSuite(backend, snapshot);
  const { engine } = suite;

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

  it('refuses run input that is not an object or holds a NUL, before recording a run',
    async () => {
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

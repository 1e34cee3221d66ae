import { realpathSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseDeployment } from '../../engine/deployment.js';
import { handlersOf } from '../../engine/handlers/table.js';
import type { RunView } from '../../engine/records.js';
import { createEngine, type Engine } from '../../engine/runner.js';
import type { Database } from '../../storage/database.js';
import { backends } from '../helpers/databases.js';
import { DEMO_SCHEMAS, demoSnapshot, freshDatabase, workflow } from './fixtures.js';
import { startHttpWorker, writeExecWorker, type HttpWorker } from './workers.js';

const meta = { pack_id: 'demo' };
const retry = { max_retries: 2, initial_backoff_sec: 0.01, multiplier: 2 };

const WORKFLOWS = [
  workflow('web', {
    call: {
      type: 'worker',
      topic: 'job.demo.http',
      input: '${input}',
      meta,
      retry,
      output_schema_id: 'demo/HelloOutput',
    },
  }),
  workflow('plainweb', {
    call: { type: 'worker', topic: 'job.demo.plainhttp', input: '${input}', meta, retry },
  }),
  workflow('keyed', {
    call: {
      type: 'worker',
      topic: 'job.demo.plainhttp',
      input: '${input}',
      meta: { ...meta, idempotency_key: 'order-17' },
    },
  }),
  workflow(
    'slow',
    {
      call: { type: 'worker', topic: 'job.demo.plainhttp', input: '${input}', meta },
    },
    { timeout_sec: 0.4 },
  ),
  workflow('local', {
    run: {
      type: 'worker',
      topic: 'job.demo.exec',
      input: '${input}',
      meta,
      retry,
      output_schema_id: 'demo/HelloOutput',
    },
    again: {
      type: 'worker',
      topic: 'job.demo.exec',
      depends_on: ['run'],
      input: { message: 'after ${steps.run.output.echo}' },
      meta,
    },
  }),
];

function stepOf(view: RunView, id: string) {
  return view.steps.find((s) => s.step_id === id)!;
}

describe.each(backends())('handlers on $name', (backend) => {
  let worker: HttpWorker;
  let exec: { dir: string; script: string };
  let db: Database;
  let engine: Engine;

  beforeAll(async () => {
    worker = await startHttpWorker();
    exec = writeExecWorker();
  });
  afterAll(() => worker.close());

  beforeEach(async () => {
    worker.jobs.length = 0;
    const deployment = parseDeployment(
      `
apiVersion: cordum.io/v1alpha1
kind: Deployment
metadata: { name: test }
spec:
  tenant: acme
  handlers:
    - topics: ["job.demo.http", "job.demo.plainhttp"]
      http: { url: "${worker.url}", timeout_ms: 5000, headers: { x-worker-token: t0k } }
    - topics: ["job.demo.ex?c"]
      exec: { command: "${process.execPath}", args: ["worker.mjs"], env: { WORKER_MODE: on },
        timeout_ms: 5000 }
`,
      `${exec.dir}/cordum.deployment.yaml`,
    );
    db = await (await freshDatabase(backend)).open();
    engine = await createEngine({
      db,
      snapshot: demoSnapshot(),
      workflows: WORKFLOWS,
      schemas: DEMO_SCHEMAS,
      handlers: handlersOf(deployment),
      tenant: deployment.tenant!,
    });
  });
  afterEach(() => db.close());

  it('POSTs the job to an HTTP worker and records its answer and constraints', async () => {
    const view = await engine.start('demo.web', { message: 'over http' });
    expect(view.run.status).toBe('succeeded');
    const call = stepOf(view, 'call');
    expect(call.output).toMatchObject({ echo: 'over http', job_id: `${view.run.id}:call@1` });
    expect(call.decision).toMatchObject({
      decision: 'allow_with_constraints',
      rule_id: 'demo-constrained',
    });
    const constraints = {
      budgets: { max_retries: 1, max_runtime_ms: 5000 },
      sandbox: { isolated: true },
    };
    expect(call.job).toMatchObject({ constraints, handler: `http:${worker.url}` });

    expect(worker.jobs).toHaveLength(1);
    const [sent] = worker.jobs;
    expect(sent!.body).toEqual({
      job_id: `${view.run.id}:call@1`,
      run_id: view.run.id,
      step_id: 'call',
      topic: 'job.demo.http',
      input: { message: 'over http' },
      meta: { pack_id: 'demo' },
      constraints,
      idempotency_key: `${view.run.id}:call:1`,
      tenant_id: 'acme',
      attempt: 1,
    });
    expect(sent!.headers['content-type']).toBe('application/json');
    expect(sent!.headers['idempotency-key']).toBe(`${view.run.id}:call:1`);
    expect(sent!.headers['x-worker-token']).toBe('t0k');
  });

  it('retries a failing HTTP worker with backoff and a new idempotency key', async () => {
    const view = await engine.start('demo.plainweb', { message: 'flaky', fail_first: 2 });
    expect(view.run.status).toBe('succeeded');
    expect(stepOf(view, 'call').attempts).toBe(3);
    expect(worker.jobs.map((j) => j.body.idempotency_key)).toEqual(
      [1, 2, 3].map((n) => `${view.run.id}:call:${n}`),
    );
    const timeline = await engine.timeline(view.run.id);
    expect(timeline.filter((t) => t.type === 'job_failed').map((t) => t.message)).toEqual([
      expect.stringMatching(/HTTP 500.*retrying in 10 ms$/),
      expect.stringMatching(/HTTP 500.*retrying in 20 ms$/),
    ]);
  });

  it('fails the step on a non-2xx answer once retries run out', async () => {
    const view = await engine.start('demo.plainweb', { status: 503 });
    const call = stepOf(view, 'call');
    expect(view.run.status).toBe('failed');
    expect(call.attempts).toBe(3);
    expect(call.error).toMatchObject({
      code: 'handler_failed',
      details: { status: 503, attempts: 3 },
    });
    expect(call.error?.message).toMatch(/answered HTTP 503: \{"error":"status 503"\}/);
  });

  it('caps retries by the policy budget', async () => {
    // demo-constrained allows one retry, though the step asks for two.
    const view = await engine.start('demo.web', { status: 500 });
    expect(stepOf(view, 'call').attempts).toBe(2);
  });

  it('fails on an answer that is not JSON', async () => {
    const view = await engine.start('demo.keyed', { raw: '<html>' });
    expect(stepOf(view, 'call').error).toMatchObject({ code: 'handler_bad_output' });
  });

  it('fails on an answer holding text the database cannot store, and goes on', async () => {
    for (const raw of ['{"echo":"a\\u0000b"}', '{"a\\ud800":1}']) {
      const view = await engine.start('demo.keyed', { raw });
      expect(view.run.status).toBe('failed');
      expect(stepOf(view, 'call').error).toMatchObject({ code: 'handler_bad_output' });
      expect(stepOf(view, 'call').error?.message).toMatch(/at \/(echo|a.*) holds a NUL/);
      // The run was stored: it reads back, and the next run is not held up by it.
      expect((await engine.view(view.run.id)).run.status).toBe('failed');
    }
    expect((await engine.start('demo.keyed', { message: 'after' })).run.status).toBe('succeeded');
  });

  it('fails on an answer nested too deep to store', async () => {
    const view = await engine.start('demo.keyed', { raw: `${'['.repeat(65)}${']'.repeat(65)}` });
    expect(stepOf(view, 'call').error).toMatchObject({ code: 'handler_bad_output',
      message: expect.stringContaining('nested deeper than 64 levels') });
    const ok = await engine.start('demo.keyed', { raw: `${'['.repeat(64)}${']'.repeat(64)}` });
    expect(ok.run.status).toBe('succeeded');
  });

  it('stores a failure that quotes a NUL a worker sent, with the NUL replaced', async () => {
    const web = await engine.start('demo.keyed', { raw: 'down', nul: true, status: 503 });
    expect(stepOf(web, 'call').error?.message).toMatch(/answered HTTP 503: down\ufffd$/);
    const local = await engine.start('demo.local', { message: 'no', exit: 3, nul: true });
    expect(stepOf(local, 'run').error?.message).toMatch(/worker refused: no\ufffd$/);
    const timeline = await engine.timeline(local.run.id);
    expect(timeline.filter((t) => t.type === 'job_failed')).toHaveLength(2);
    expect(timeline.find((t) => t.type === 'step_failed')?.message).toMatch(/no\ufffd$/);
  });

  it('sends meta.idempotency_key when the step gives one', async () => {
    const view = await engine.start('demo.keyed', { message: 'k' });
    expect(view.run.status).toBe('succeeded');
    expect(worker.jobs[0]!.body.idempotency_key).toBe('order-17');
    expect(worker.jobs[0]!.headers['idempotency-key']).toBe('order-17');
  });

  it('times the run out when a worker outlasts timeout_sec', async () => {
    const started = Date.now();
    const view = await engine.start('demo.slow', { sleep_ms: 3000 });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(view.run.status).toBe('timed_out');
    expect(stepOf(view, 'call')).toMatchObject({
      status: 'timed_out',
      error: { code: 'run_timed_out' },
    });
    expect(view.run.error?.code).toBe('run_timed_out');
  });

  it('runs an exec worker: job on stdin, output on stdout, in the deployment folder', async () => {
    const view = await engine.start('demo.local', { message: 'from a child' });
    expect(view.run.status).toBe('succeeded');
    expect(stepOf(view, 'run').output).toMatchObject({
      echo: 'from a child',
      job_id: `${view.run.id}:run@1`,
      idempotency_key: `${view.run.id}:run:1`,
      cwd: realpathSync(exec.dir),
      env: 'on',
    });
    expect(stepOf(view, 'again').output).toMatchObject({ echo: 'after from a child' });
    expect(stepOf(view, 'run').job?.handler).toBe(`exec:${process.execPath}`);
  });

  it('fails an exec worker that exits non-zero, with its stderr, after retrying', async () => {
    const view = await engine.start('demo.local', { message: 'no', exit: 3 });
    const run = stepOf(view, 'run');
    expect(view.run.status).toBe('failed');
    expect(run.attempts).toBe(3);
    expect(run.error).toMatchObject({ code: 'handler_failed', details: { exit_code: 3 } });
    expect(run.error?.message).toMatch(/exited with 3: worker refused: no$/);
    expect(stepOf(view, 'again').status).toBe('cancelled');
  });

  it('fails an exec worker whose stdout is not JSON', async () => {
    const view = await engine.start('demo.local', { garbage: true });
    expect(stepOf(view, 'run').error).toMatchObject({ code: 'handler_bad_output' });
  });
});

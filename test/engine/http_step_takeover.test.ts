/**
 * `http` steps of a run whose process dies: what the servers they call saw
 * is on record, so the process that takes the run over does not call a
 * finished step's URL again, and the calls of a step that was retrying
 * count against its `retry` budget.
 */
import { describe, expect, it } from 'vitest';
import { handlerTable } from '../../engine/handlers/table.js';
import { backends } from '../helpers/databases.js';
import { dying } from './dying.js';
import { DEMO_SCHEMAS, demoSnapshot, workflow } from './fixtures.js';
import { stepOf } from './held.js';
import { engineSuite } from './suite.js';

const WORKFLOWS = [
  workflow('calls', {
    first: { type: 'http', url: '${input.url}', input: { input: { message: 'first' } } },
    second: {
      type: 'http', url: '${input.url}', depends_on: ['first'],
      input: { input: { message: 'second', sleep_ms: 2000 } },
    },
  }),
  workflow('flaky', {
    call: {
      type: 'http', url: '${input.url}', input: { input: { message: 'down', fail_calls: 9 } },
      retry: { max_retries: 2, initial_backoff_sec: 1, multiplier: 1 },
    },
  }),
];

describe.each(backends())('http steps taken over on $name', (backend) => {
  const suite = engineSuite(backend, (worker) => ({
    snapshot: demoSnapshot(),
    workflows: WORKFLOWS,
    schemas: DEMO_SCHEMAS,
    handlers: handlerTable([]),
    httpAllowlist: [worker.url],
  }));
  const { engine } = suite;
  const calls = (message: string) =>
    suite.worker.jobs.filter((j) => (j.body.input as { message?: string }).message === message);

  it('does not call a finished step again once the next step has called out', async () => {
    await engine();
    // The process dies as the second step's call reaches the server.
    const first = await engine({
      leaseMs: 300, db: dying(suite.db(0), () => calls('second').length > 0),
    });
    const id = await first.record('demo.calls', { url: suite.worker.url });
    const dead = first.resume(id).catch(() => undefined);
    for (let i = 0; i < 300 && calls('second').length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 400));
    const second = await engine({ leaseMs: 300 });
    expect(await second.resumeDue()).toBe(1);
    await dead;

    const view = await second.view(id);
    expect(view.run.status).toBe('succeeded');
    expect(calls('first')).toHaveLength(1);
    // The call in flight goes again, under the key it had.
    expect(calls('second').map((j) => j.headers['idempotency-key']))
      .toEqual([`${id}:second`, `${id}:second`]);
    expect(stepOf(view, 'first').status).toBe('succeeded');
  });

  it('counts the calls of the dead process against the retry budget', async () => {
    const first = await engine({ leaseMs: 300 });
    const id = await first.record('demo.flaky', { url: suite.worker.url });
    const dying = first.resume(id).catch(() => undefined);
    for (let i = 0; i < 300 && calls('down').length < 2; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    // The second call failed and its 1 s backoff began: the process dies.
    await new Promise((r) => setTimeout(r, 100));
    await suite.db(0).close();
    await new Promise((r) => setTimeout(r, 400));
    const second = await engine({ leaseMs: 300 });
    expect(await second.resumeDue()).toBe(1);
    await dying;

    const view = await second.view(id);
    // Two retries: three calls in all, the failed second one not made again.
    expect(calls('down')).toHaveLength(3);
    expect(view.run.status).toBe('failed');
    expect(stepOf(view, 'call')).toMatchObject({ status: 'failed', attempts: 3,
      error: { code: 'http_failed' } });
  });
});

/**
 * `engine serve` survives an unhandled rejection that is only a lost
 * database connection (graphile-worker's batched job reports fail that way
 * during an outage) and still stops on any other.
 */
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { startEngineServer } from '../../engine/http/server.js';
import { createEngine } from '../../engine/runner.js';
import { openDatabase } from '../../storage/database.js';
import { relayTo } from '../helpers/relay.js';
import { pgliteBackend, postgresBackend } from '../helpers/databases.js';
import { DEMO_SCHEMAS, DEMO_WORKFLOWS, demoSnapshot, freshDatabase, workflow }
  from './fixtures.js';
import type { Job } from '../../engine/handlers/types.js';
import { surviveLostDatabase } from '../../engine/commands/serve.js';
import { isConnectionLoss } from '../../storage/database.js';
import { PolicyHistory } from '../../engine/kernel/history.js';
import { PolicyKernel } from '../../engine/kernel/kernel.js';
import { createEngineMetrics } from '../../engine/observability/metrics.js';

async function refusedConnection(): Promise<Error> {
  // Port 1 on loopback: nothing listens there, so the connection is refused for real.
  const client = new pg.Client({ host: '127.0.0.1', port: 1, user: 'x', database: 'x' });
  return client.connect().then(() => new Error('connected'), (err: Error) => err);
}

describe('a lost database in engine serve', () => {
  it('tells a refused or dropped connection from other errors', async () => {
    expect(isConnectionLoss(await refusedConnection())).toBe(true);
    expect(isConnectionLoss(Object.assign(new Error('terminating connection'),
      { code: '57P01' }))).toBe(true);
    expect(isConnectionLoss(new Error('Connection terminated unexpectedly'))).toBe(true);
    // An error of the engine's own quoting those words (a step's input) is no lost database.
    expect(isConnectionLoss(Object.assign(new Error('delay_until "Connection terminated" is ' +
      'not a time'), { code: 'expression_failed' }))).toBe(false);
    expect(isConnectionLoss(new Error('bad input: Connection terminated'))).toBe(false);
    expect(isConnectionLoss(Object.assign(new Error('syntax error'), { code: '42601' })))
      .toBe(false);
    expect(isConnectionLoss(new TypeError('x is undefined'))).toBe(false);
    expect(isConnectionLoss('ECONNREFUSED')).toBe(false);
    // A database dropped, closed to connections or refusing the login is out of reach too.
    for (const code of ['3D000', '28000', '28P01']) {
      expect(isConnectionLoss(Object.assign(new Error('x'), { code }))).toBe(true);
    }
    const closed = 'database "h" is not currently accepting connections';
    expect(isConnectionLoss(Object.assign(new Error(closed), { code: '55000' }))).toBe(true);
    expect(isConnectionLoss(Object.assign(new Error('lock not available'), { code: '55000' })))
      .toBe(false);
  });

  it('takes a database that does not exist for one out of reach (real PostgreSQL)', async () => {
    const gone = new URL((await postgresBackend.fresh()).url!);
    gone.pathname = '/cordum_no_such_database';
    const client = new pg.Client({ connectionString: gone.href });
    const err = await client.connect().then(() => new Error('connected'), (e: Error) => e);
    expect((err as { code?: string }).code).toBe('3D000');
    expect(isConnectionLoss(err)).toBe(true);
  });

  it('reports a lost connection and goes on, and rethrows anything else', async () => {
    const lines: string[] = [];
    const survive = surviveLostDatabase({ json: false, progress: (l) => lines.push(l) });
    expect(() => survive(refusedConnectionSync)).not.toThrow();
    expect(lines).toEqual([expect.stringMatching(/^database unreachable \(.*ECONNREFUSED/)]);
    const bug = new TypeError('x is undefined');
    expect(() => survive(bug)).toThrow(bug);
  });
});

/** A fresh PostgreSQL database reached through a relay the test can cut. */
async function relayedDatabase() {
  const url = new URL((await postgresBackend.fresh()).url!);
  const relay = await relayTo(url);
  const through = new URL(url);
  through.host = `127.0.0.1:${relay.port}`;
  return { relay, db: await openDatabase({ url: through.toString() }) };
}

describe('the engine API while its database is down', () => {
  it('answers 503 database_unavailable, not 500', async () => {
    const { relay, db } = await relayedDatabase();
    const engine = await createEngine({ db, snapshot: demoSnapshot(), workflows: DEMO_WORKFLOWS,
      schemas: DEMO_SCHEMAS, handlers: { find: () => undefined } });
    const server = await startEngineServer({ engine, port: 0, pollMs: 0,
      ready: async () => (await db.query('SELECT 1')).rows.length === 1 });
    const kernel = await PolicyKernel.open({ history: await PolicyHistory.open(db) });
    const metrics = createEngineMetrics(kernel, db);
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect(await metrics.registry.metrics()).toContain('cordum_engine_database_up 1');
      await relay.cut();
      // A scrape tells an outage from an engine with no runs.
      expect(await metrics.registry.metrics()).toContain('cordum_engine_database_up 0');
      const res = await fetch(`${server.url}/v1/runs`);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject({ code: 'database_unavailable' });
      expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
      // A start refused with 503 is not recorded, then run, once the database is back.
      const start = (message: string) => fetch(`${server.url}/v1/runs`, { method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workflow_id: 'demo.hello', input: { message } }) });
      const refused = await start('during the outage');
      expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual(
        [503, 'database_unavailable']);
      await relay.restore();
      let after: Response | undefined;
      for (let i = 0; i < 50 && after?.status !== 202 && after?.status !== 201; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = await start('after');
      }
      const runs = (await (await fetch(`${server.url}/v1/runs`)).json()) as
        { runs: { input: { message: string } }[] };
      expect(runs.runs.map((r) => r.input.message)).toEqual(['after']);
    } finally {
      await server.close();
      await db.close().catch(() => undefined);
    }
  });
});

describe('a run in flight while its database goes away', () => {
  it('is taken over once the database is back, not failed for good', async () => {
    const { relay, db } = await relayedDatabase();
    const seen: string[] = [];
    let cutting: Promise<void> | undefined;
    // A worker outside the engine (not inline): each job is written down before it leaves.
    const handler = {
      name: 'test:slow',
      async handle(job: Job) {
        seen.push(job.idempotency_key);
        // The outage comes while the first job is out; the next job's write meets it.
        if (job.step_id === 'a' && !cutting) cutting = relay.cut();
        await new Promise((r) => setTimeout(r, 200));
        return { step: job.step_id };
      },
    };
    const steps = workflow('chain', {
      a: { type: 'worker', topic: 'job.demo.echo', meta: { pack_id: 'demo' } },
      b: { type: 'worker', topic: 'job.demo.echo', meta: { pack_id: 'demo' }, depends_on: ['a'] },
      c: { type: 'worker', topic: 'job.demo.echo', meta: { pack_id: 'demo' }, depends_on: ['b'] },
    });
    const engine = await createEngine({ db, snapshot: demoSnapshot(), workflows: [steps],
      schemas: DEMO_SCHEMAS, handlers: { find: () => handler }, leaseMs: 600 });
    try {
      let runId = '';
      const lost = await engine.start('demo.chain', {}, (id) => (runId = id))
        .then(() => undefined, (err: unknown) => err);
      expect(isConnectionLoss(lost)).toBe(true);
      await cutting;
      await relay.restore();
      // The lease runs out (600 ms), then the run is due again and taken over.
      let view: Awaited<ReturnType<typeof engine.view>> | undefined;
      for (let i = 0; i < 100 && view?.run.status !== 'succeeded'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        await engine.resumeDue().catch(() => 0);
        view = await engine.view(runId).catch(() => undefined);
      }
      expect(view?.run.status).toBe('succeeded');
      expect(view?.steps.map((st) => [st.step_id, st.status])).toEqual([['a', 'succeeded'],
        ['b', 'succeeded'], ['c', 'succeeded']]);
      // `a` was out when the outage came and its answer was not yet on record, so it was sent
      // again, under the same key; `b` never left before the takeover.
      expect(seen).toEqual([`${runId}:a:1`, `${runId}:a:1`, `${runId}:b:1`, `${runId}:c:1`]);
    } finally {
      await db.close().catch(() => undefined);
    }
  });
});

describe('a step whose own error quotes a lost connection', () => {
  it('fails as any step does: the run is not given up', async () => {
    const db = await (await freshDatabase(pgliteBackend)).open();
    try {
      const flow = workflow('when', { d: { type: 'delay', delay_until: '${input.when}' } });
      const engine = await createEngine({ db, snapshot: demoSnapshot(), workflows: [flow],
        schemas: DEMO_SCHEMAS, handlers: { find: () => undefined } });
      const view = await engine.start('demo.when', { when: 'Connection terminated' });
      expect(view.run.status).toBe('failed');
      expect(view.steps[0]).toMatchObject({ status: 'failed',
        error: { code: 'expression_failed' } });
    } finally {
      await db.close();
    }
  });
});

const refusedConnectionSync = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'),
  { code: 'ECONNREFUSED' });

/**
 * A run's own log lines name the HTTP request it was advanced for: the
 * start that ran it, then the approval that resumed it; a request for
 * another run leaves it alone. Through real HTTP on loopback.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngineServer, type EngineServer } from '../../engine/http/server.js';
import { engineHooks, logNotifier } from '../../engine/observability/hooks.js';
import { jsonLog } from '../../engine/observability/log.js';
import { RunRequests } from '../../engine/observability/run_requests.js';
import { createEngine } from '../../engine/runner.js';
import type { Database } from '../../storage/database.js';
import { pgliteBackend } from '../helpers/databases.js';
import {
  DEMO_SCHEMAS, DEMO_WORKFLOWS, demoSnapshot, freshDatabase, workflow,
} from './fixtures.js';

let db: Database;
let server: EngineServer;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  db = await (await freshDatabase(pgliteBackend)).open();
  const log = jsonLog((line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    { level: 'debug' });
  const requests = new RunRequests();
  // An approval beside a slow branch: it can be approved while the start still advances the run.
  const aside = workflow('aside', {
    ask: { type: 'approval' },
    slow: { type: 'delay', delay_sec: 1 },
    after: { type: 'transform', depends_on: ['slow'], input: { x: 1 } },
  });
  // A child run advanced inside its parent's step.
  const kid = workflow('kid', { make: { type: 'transform', input: { y: 2 } } });
  const parent = workflow('parent', { call: { type: 'subworkflow', workflow: 'demo.kid' } });
  const engine = await createEngine({ db, snapshot: demoSnapshot(),
    workflows: [...DEMO_WORKFLOWS, aside, kid, parent],
    schemas: DEMO_SCHEMAS, handlers: { find: () => undefined },
    hooks: engineHooks({ log, requests }), notifier: logNotifier(log, requests) });
  server = await startEngineServer({ engine, port: 0, pollMs: 0, ready: async () => true,
    requests });
});
afterAll(async () => {
  await server?.close();
  await db?.close();
});

const post = (path: string, requestId: string, body: unknown) =>
  fetch(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'x-request-id': requestId } });

describe('run log lines carry the request id', () => {
  it('of the start, then of the approval that resumed the run', async () => {
    const started = await post('/v1/runs?wait=1', 'req-start', { workflow_id: 'demo.signoff',
      input: { release: '4.2' } });
    const id = ((await started.json()) as { run_id: string }).run_id;
    const approved = await post(`/v1/runs/${id}/steps/ask/approve`, 'req-approve',
      { note: 'ok', by: 'ana' });
    expect(approved.status).toBe(200);
    const ofRun = lines.filter((l) => l.run_id === id)
      .map((l) => [l.msg, l.step_id ?? null, l.request_id ?? null]);
    expect(ofRun).toEqual([
      ['step waiting', 'ask', 'req-start'],
      ['run waiting', null, 'req-start'],
      // The approval step is taken up again, approved, when the run resumes.
      ['step succeeded', 'ask', 'req-approve'],
      // The notify step's message is a line of its own, for a log shipper to route.
      ['notify', 'tell', 'req-approve'],
      ['step succeeded', 'tell', 'req-approve'],
      ['run succeeded', null, 'req-approve'],
    ]);
    expect(lines.find((l) => l.msg === 'notify' && l.run_id === id)).toMatchObject({
      level: 'info', payload: { message: 'release 4.2 signed off: ok' } });
  });

  it('of no request once that request has ended', async () => {
    const requests = new RunRequests();
    const seen: (string | undefined)[] = [];
    await requests.during('r1', 'req-1', async () => {
      seen.push(requests.of('r1'), requests.of('r2'));
      // A second request for the same run takes over, and gives it back when it ends.
      await requests.during('r1', 'req-2', async () => void seen.push(requests.of('r1')));
      seen.push(requests.of('r1'));
    });
    seen.push(requests.of('r1'));
    await requests.during('r1', undefined, async () => void seen.push(requests.of('r1')));
    expect(seen).toEqual(['req-1', undefined, 'req-2', 'req-1', undefined, undefined]);
  });

  it('of the start still advancing the run after an approval that did not claim it', async () => {
    const started = await post('/v1/runs', 'req-slow', { workflow_id: 'demo.aside', input: {} });
    const id = ((await started.json()) as { run_id: string }).run_id;
    // The approval step parks at once; the delay holds the run in the start's hands.
    for (let i = 0; i < 50 && !lines.some((l) => l.run_id === id && l.step_id === 'ask'); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const approved = await post(`/v1/runs/${id}/steps/ask/approve`, 'req-ok', {});
    expect(approved.status).toBe(200);
    for (let i = 0; i < 100 && !lines.some((l) => l.run_id === id && l.msg === 'run succeeded');
      i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const ofRun = lines.filter((l) => l.run_id === id && l.step_id !== undefined)
      .map((l) => [l.msg, l.step_id, l.request_id ?? null]);
    expect(ofRun).toEqual([
      ['step waiting', 'ask', 'req-slow'],
      ['step succeeded', 'slow', 'req-slow'],
      ['step succeeded', 'after', 'req-slow'],
      ['step succeeded', 'ask', 'req-slow'],
    ]);
    expect(lines.find((l) => l.run_id === id && l.msg === 'run succeeded')?.request_id)
      .toBe('req-slow');
  });

  it('of its parent\'s request, for a subworkflow\'s child run', async () => {
    const started = await post('/v1/runs?wait=1', 'req-parent', { workflow_id: 'demo.parent',
      input: {} });
    const view = (await started.json()) as { run_id: string; status: string;
      steps: { step_id: string; job?: { job_id: string } }[] };
    expect(view.status).toBe('succeeded');
    const childId = view.steps.find((s) => s.step_id === 'call')?.job?.job_id;
    expect(childId).toMatch(/^[0-9a-f-]{36}$/);
    const ofChild = lines.filter((l) => l.run_id === childId)
      .map((l) => [l.msg, l.step_id ?? null, l.request_id ?? null]);
    expect(ofChild).toEqual([
      ['step succeeded', 'make', 'req-parent'],
      ['run succeeded', null, 'req-parent'],
    ]);
    expect(lines.find((l) => l.run_id === view.run_id && l.msg === 'run succeeded'))
      .toMatchObject({ request_id: 'req-parent' });
  });

  // Raw headers (as rawHeaders lists them), so one can be sent twice or hold Latin-1 text.
  const start = (headers: string[]) => new Promise<{ status: number; echoed: string }>(
    (resolve, reject) => {
      const body = JSON.stringify({ workflow_id: 'demo.signoff', input: { release: '1' } });
      const raw = ['host', '127.0.0.1', 'content-type', 'application/json', ...headers];
      const req = request(`${server.url}/v1/runs?wait=1`, { method: 'POST', headers: raw },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!,
            echoed: String(res.headers['x-request-id']) }));
        });
      req.on('error', reject);
      req.end(body);
    });

  it.each([
    { name: 'empty', headers: ['x-request-id', ''] },
    { name: 'past 64 characters', headers: ['x-request-id', 'a'.repeat(65)] },
    { name: 'Latin-1 text', headers: ['x-request-id', 'caf\u00e9'] },
    { name: 'a JSON line', headers: ['x-request-id', '{"level":"error","msg":"x"}'] },
    { name: 'sent twice', headers: ['x-request-id', 'one', 'x-request-id', 'two'] },
  ])('draws its own id for an X-Request-Id that is $name', async ({ headers }) => {
    const { status, echoed } = await start(headers);
    expect(status).toBe(200);
    expect(echoed).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // The run's own lines name the id the answer gave, not what was sent.
    expect(lines.filter((l) => l.request_id === echoed).map((l) => l.msg))
      .toEqual(['step waiting', 'run waiting']);
  });

  it('keeps a sane X-Request-Id of 64 characters as sent', async () => {
    const id = `A-b_c.${'9'.repeat(58)}`;
    expect(await start(['x-request-id', id])).toEqual({ status: 200, echoed: id });
  });
});

describe('request log lines of a run route', () => {
  it('name the run and the step they act on, as the start names the run it made', async () => {
    const own: Record<string, unknown>[] = [];
    const log = jsonLog((line) => own.push(JSON.parse(line) as Record<string, unknown>));
    const engine = await createEngine({ db, snapshot: demoSnapshot(), workflows: DEMO_WORKFLOWS,
      schemas: DEMO_SCHEMAS, handlers: { find: () => undefined } });
    const logged = await startEngineServer({ engine, port: 0, pollMs: 0,
      ready: async () => true, log });
    try {
      const send = (path: string, id: string, body: unknown) => fetch(`${logged.url}${path}`,
        { method: 'POST', body: JSON.stringify(body),
          headers: { 'content-type': 'application/json', 'x-request-id': id } });
      const started = await send('/v1/runs?wait=1', 'req-a', { workflow_id: 'demo.signoff',
        input: { release: '5.0' } });
      const run = ((await started.json()) as { run_id: string }).run_id;
      expect((await send(`/v1/runs/${run}/steps/ask/approve`, 'req-b', { by: 'ana' })).status)
        .toBe(200);
      // Refused, still named: a finished run cannot be cancelled.
      expect((await send(`/v1/runs/${run}/cancel`, 'req-c', {})).status).toBe(409);
      const requests = own.filter((l) => l.msg === 'request')
        .map((l) => [l.request_id, l.run_id ?? null, l.step_id ?? null]);
      expect(requests).toEqual([['req-a', run, null], ['req-b', run, 'ask'],
        ['req-c', run, null]]);
    } finally {
      await logged.close();
    }
  });
});

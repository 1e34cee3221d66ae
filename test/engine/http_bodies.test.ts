/**
 * The run routes over real HTTP on loopback refuse bodies of the wrong
 * shape with 400 and a code, and record nothing from them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngineServer, type EngineServer } from '../../engine/http/server.js';
import { createEngine } from '../../engine/runner.js';
import type { Database } from '../../storage/database.js';
import { pgliteBackend } from '../helpers/databases.js';
import { DEMO_SCHEMAS, DEMO_WORKFLOWS, demoServer, demoSnapshot } from './fixtures.js';

let db: Database;
let server: EngineServer;
let served: Awaited<ReturnType<typeof demoServer>>;

beforeAll(async () => {
  served = await demoServer(pgliteBackend);
  ({ db, server } = served);
});
afterAll(() => served?.close());

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('approve and reject bodies', () => {
  it('refuse a note, reason or approver not given as text, leaving it pending', async () => {
    const started = await post('/v1/runs?wait=1', { workflow_id: 'demo.signoff',
      input: { release: '1.2' } });
    const id = started.body.run_id as string;
    expect(started.body.status).toBe('waiting');
    for (const [route, body] of [['approve', { note: 5 }], ['approve', { by: ['x'] }],
      ['reject', { reason: { why: 1 } }]] as const) {
      const r = await post(`/v1/runs/${id}/steps/ask/${route}`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.code).toBe('request_invalid');
    }
    // A field the route does not take is refused, not dropped: a misspelt note or data.
    const misspelt = [['approve', { nte: 'x' }, 'body.nte: unknown field; expected one of ' +
      'note, by'], ['input', { dat: { x: 1 } }, 'body.dat: unknown field; did you mean data?'],
    ['input', {}, 'the body needs "data": what the input step gives its run (checked against ' +
      'its output_schema_id)'], ['reject', { note: 'no' }, 'body.note: unknown field; ' +
      'expected one of reason, by']] as const;
    for (const [route, body, detail] of misspelt) {
      const r = await post(`/v1/runs/${id}/steps/ask/${route}`, body);
      expect([r.status, r.body.code, r.body.detail], route).toEqual([400, 'request_invalid',
        detail]);
    }
    const extra = await post('/v1/runs', { workflow_id: 'demo.signoff', inputs: {} });
    expect([extra.status, extra.body.detail]).toEqual([400,
      'body.inputs: unknown field; did you mean input?']);
    const view = (await (await fetch(`${server.url}/v1/runs/${id}`)).json()) as {
      approvals: { status: string }[] };
    expect(view.approvals[0]!.status).toBe('pending');
    const ok = await post(`/v1/runs/${id}/steps/ask/approve`, { note: 'fine', by: 'ana' });
    expect(ok.status).toBe(200);
  });
});

describe('the approver token', () => {
  it('guards approve, reject, input and cancel once set, and only those', async () => {
    const engine = await createEngine({ db, snapshot: demoSnapshot(), workflows: DEMO_WORKFLOWS,
      schemas: DEMO_SCHEMAS, handlers: { find: () => undefined } });
    const guarded = await startEngineServer({ engine, port: 0, pollMs: 0,
      ready: async () => true, approverTokens: ['appr-1', 'admin-1'] });
    try {
      const call = (path: string, token?: string) => fetch(`${guarded.url}${path}`, {
        method: 'POST', body: '{}', headers: { 'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}) } });
      // Starting and reading runs stay open: only the routes that move a waiting run are guarded.
      const run = await fetch(`${guarded.url}/v1/runs?wait=1`, { method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workflow_id: 'demo.signoff', input: { release: '3' } }) });
      expect(run.status).toBe(200);
      const id = ((await run.json()) as { run_id: string }).run_id;
      expect((await fetch(`${guarded.url}/v1/runs/${id}`)).status).toBe(200);
      for (const path of [`/v1/runs/${id}/steps/ask/approve`, `/v1/runs/${id}/steps/ask/reject`,
        `/v1/runs/${id}/steps/ask/input`, `/v1/runs/${id}/cancel`]) {
        for (const token of [undefined, 'wrong']) {
          const r = await call(path, token);
          expect(r.status, `${path} ${token}`).toBe(403);
          expect(((await r.json()) as { detail: string }).detail).toContain('approver token');
        }
      }
      expect((await call(`/v1/runs/${id}/steps/ask/approve`, 'appr-1')).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});

describe('paths and numbers no route can take', () => {
  it('answers a path parameter that does not decode, or holds a NUL, with 400', async () => {
    for (const id of ['%ZZ', '%ED%A0%80', '%00']) {
      const res = await fetch(`${server.url}/v1/runs/${id}`);
      expect(res.status, id).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('request_invalid');
    }
    // The process lives on.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('answers a path served by another method with 405 and Allow, any other with 404', async () => {
    const wrong = await fetch(`${server.url}/v1/runs/some-id/cancel`);
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'POST']);
    expect(await wrong.json()).toMatchObject({ code: 'method_not_allowed',
      detail: '/v1/runs/some-id/cancel takes POST, not GET' });
    const both = await fetch(`${server.url}/v1/runs`, { method: 'DELETE' });
    expect([both.status, both.headers.get('allow')]).toEqual([405, 'GET, POST, HEAD']);
    // HEAD is served wherever GET is, without a body.
    const head = await fetch(`${server.url}/readyz`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
    // The right method on a path whose parameter does not decode is still the parameter's 400.
    expect((await fetch(`${server.url}/v1/runs/%ZZ/cancel`, { method: 'POST' })).status)
      .toBe(400);
    const none = await fetch(`${server.url}/v1/nothing`);
    expect([none.status, ((await none.json()) as { code: string }).code])
      .toEqual([404, 'not_found']);
  });

  it('refuses a start without a workflow_id, or with a ?wait it does not know, recording none',
    async () => {
      const before = (await (await fetch(`${server.url}/v1/runs`)).json()) as { runs: [] };
      for (const [path, body, detail] of [
        ['/v1/runs', { input: {} }, 'the body needs "workflow_id": the workflow to run, as ' +
          '<pack_id>.<name>'],
        ['/v1/runs', { workflow_id: 7 }, '"workflow_id" must be a string, not 7'],
        ['/v1/runs?wait=yes', { workflow_id: 'demo.signoff', input: { release: '1' } },
          '?wait must be 1 or 0 (true or false), not "yes"'],
      ] as const) {
        const r = await post(path, body);
        expect([r.status, r.body.code, r.body.detail], path).toEqual([400, 'request_invalid',
          detail]);
      }
      const after = (await (await fetch(`${server.url}/v1/runs`)).json()) as { runs: [] };
      expect(after.runs.length).toBe(before.runs.length);
      // `true` waits as `1` does: the run answers waiting for its approval, not 202 pending.
      const waited = await post('/v1/runs?wait=true', { workflow_id: 'demo.signoff',
        input: { release: '1' } });
      expect([waited.status, waited.body.status]).toEqual([200, 'waiting']);
    });

  it('refuses a number too large to store, naming where', async () => {
    const text = '{"workflow_id":"demo.signoff","input":{"release":"1","x":1e400}}';
    const res = await fetch(`${server.url}/v1/runs`, { method: 'POST', body: text,
      headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'request_invalid',
      detail: expect.stringContaining('the body at /input/x holds a number too large') });
  });
});

describe('the poller', () => {
  it('resumes no run while the engine says it cannot yet', async () => {
    let ready = false;
    const engine = await createEngine({ db, snapshot: demoSnapshot(), workflows: DEMO_WORKFLOWS,
      schemas: DEMO_SCHEMAS, handlers: { find: () => undefined } });
    const id = await engine.record('demo.signoff', { release: '2.0' });
    const held = await startEngineServer({ engine, port: 0, pollMs: 30, ready: async () => ready,
      canResume: () => ready });
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect((await engine.view(id)).run.status).toBe('pending');
      // A start meanwhile is told to come back, not that its workflow does not exist.
      const early = await fetch(`${held.url}/v1/runs`, { method: 'POST',
        body: JSON.stringify({ workflow_id: 'demo.signoff', input: { release: '2.1' } }) });
      expect([early.status, ((await early.json()) as { code: string }).code])
        .toEqual([503, 'not_ready']);
      ready = true;
      for (let i = 0; i < 100 && (await engine.view(id)).run.status !== 'waiting'; i++) {
        await new Promise((r) => setTimeout(r, 30));
      }
      expect((await engine.view(id)).run.status).toBe('waiting');
    } finally {
      await held.close();
    }
  });
});


describe('a body that is not UTF-8', () => {
  it('is 400 request_invalid, and no run starts', async () => {
    const before = await fetch(`${server.url}/v1/runs`).then((r) => r.json()) as
      { runs: unknown[] };
    const body = Buffer.from('{"workflow_id":"demo.signoff","input":{"release":"caf\xe9"}}',
      'latin1');
    const res = await fetch(`${server.url}/v1/runs`, { method: 'POST', body,
      headers: { 'content-type': 'application/json' } });

    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'request_invalid',
      detail: 'the body is not valid UTF-8' });
    const after = await fetch(`${server.url}/v1/runs`).then((r) => r.json()) as
      { runs: unknown[] };
    expect(after.runs.length).toBe(before.runs.length);
  });
});

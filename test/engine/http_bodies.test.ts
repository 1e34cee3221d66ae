/**
 * The run routes over real HTTP on loopback refuse bodies of the wrong
 * shape with 400 and a code, and record nothing from them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngineServer, type EngineServer } from '../../engine/http/server.js';
import { createEngine } from '../../engine/runner.js';
import type { Database } from '../../storage/database.js';
import { pgliteBackend } from '../helpers/databases.js';
import { DEMO_SCHEMAS, DEMO_WORKFLOWS, demoSnapshot, freshDatabase } from './fixtures.js';

let db: Database;
let server: EngineServer;

beforeAll(async () => {
  db = await (await freshDatabase(pgliteBackend)).open();
  const engine = await createEngine({ db, snapshot: demoSnapshot(), workflows: DEMO_WORKFLOWS,
    schemas: DEMO_SCHEMAS, handlers: { find: () => undefined } });
  server = await startEngineServer({ engine, port: 0, pollMs: 0, ready: async () => true });
});
afterAll(async () => {
  await server?.close();
  await db?.close();
});

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('approve and reject bodies', () => {
  it('refuse a note, reason or approver that is not text, leaving the approval pending', async () => {
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
    const view = (await (await fetch(`${server.url}/v1/runs/${id}`)).json()) as {
      approvals: { status: string }[] };
    expect(view.approvals[0]!.status).toBe('pending');
    const ok = await post(`/v1/runs/${id}/steps/ask/approve`, { note: 'fine', by: 'ana' });
    expect(ok.status).toBe(200);
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


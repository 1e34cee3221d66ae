/**
 * Data that breaks a schema is refused with each problem named: the run
 * input against the workflow's `input_schema`, and an `input` step's data
 * against its `output_schema_id`. Over HTTP the problem+json carries them as
 * `issues`; the engine's error carries them for the CLI's `--json`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngineServer, type EngineServer } from '../../engine/http/server.js';
import { createEngine, type Engine } from '../../engine/runner.js';
import type { Database } from '../../storage/database.js';
import { pgliteBackend } from '../helpers/databases.js';
import { DEMO_SCHEMAS, demoSnapshot, freshDatabase, rejection, workflow } from './fixtures.js';

const form = workflow('form', {
  form: { type: 'input', output_schema_id: 'demo/HelloInput' },
}, { input_schema: { type: 'object', properties: { who: { type: 'string' } } } });

describe('schema problems of data given to the engine', () => {
  let db: Database;
  let engine: Engine;
  let server: EngineServer;

  beforeAll(async () => {
    db = await (await freshDatabase(pgliteBackend)).open();
    engine = await createEngine({ db, snapshot: demoSnapshot(), workflows: [form],
      schemas: DEMO_SCHEMAS, handlers: { find: () => undefined } });
    server = await startEngineServer({ engine, port: 0, pollMs: 0, ready: async () => true });
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${server.url}${path}`, { method: 'POST',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, type: res.headers.get('content-type'),
      body: (await res.json()) as Record<string, unknown> };
  };

  it('names each problem of a run input', async () => {
    const bad = await post('/v1/runs', { workflow_id: 'demo.form', input: { who: 5 } });
    expect(bad.status).toBe(422);
    expect(bad.type).toBe('application/problem+json');
    expect(bad.body).toMatchObject({ code: 'input_invalid',
      issues: [{ file: '--input', path: '/who', message: 'must be string' }] });
  });

  it('names each problem of an input step\'s data, over HTTP and to the CLI', async () => {
    const started = await post('/v1/runs?wait=1', { workflow_id: 'demo.form', input: {} });
    const id = started.body.run_id as string;
    expect(started.body.status).toBe('waiting');
    const data = { message: 7, extra: true };
    const bad = await post(`/v1/runs/${id}/steps/form/input`, { data });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'input_invalid',
      detail: 'data for "form" does not match schema demo/HelloInput: /extra: is not an ' +
        'allowed field here (and 1 more)' });
    expect(bad.body.issues).toEqual([
      { file: '--data', path: '/extra', message: 'is not an allowed field here' },
      { file: '--data', path: '/message', message: 'must be string' },
    ]);
    const direct = await rejection(engine.giveInput(id, 'form', data));
    expect((direct as { issues?: unknown }).issues).toEqual(bad.body.issues);
  });

  it('leaves problems with nothing more to name as they were', async () => {
    const bad = await post('/v1/runs', { workflow_id: 'demo.form', input: [] });
    expect(bad.status).toBe(422);
    expect(bad.body).not.toHaveProperty('issues');
  });
});

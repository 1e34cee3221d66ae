/**
 * A run input nested past the document depth limit is refused at the
 * entry, before anything is queued, so it can never wedge the journal: the
 * same server goes on answering for every other run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_DEPTH } from '../../packs/documents.js';
import { startEngineServer, type EngineServer } from '../../engine/http/server.js';
import { runInputFor } from '../../engine/run_input.js';
import { createEngine, type Engine } from '../../engine/runner.js';
import type { Database } from '../../storage/database.js';
import { pgliteBackend } from '../helpers/databases.js';
import {
  DEMO_SCHEMAS, DEMO_WORKFLOWS, demoSnapshot, freshDatabase, thrown, workflow,
} from './fixtures.js';

/** `{ v: [[...[1]...]] }` with `depth` levels in all (the outer object is one). */
function nested(depth: number): Record<string, unknown> {
  let value: unknown = 1;
  for (let i = 1; i < depth; i++) value = [value];
  return { v: value };
}

/** The same as JSON text, built without recursion. */
function nestedText(depth: number): string {
  return `{"v":${'['.repeat(depth - 1)}1${']'.repeat(depth - 1)}}`;
}

describe('runInputFor and nesting', () => {
  const flow = workflow('deep', { a: { type: 'worker', topic: 'job.demo.a' } });

  it(`takes input nested exactly ${MAX_DOCUMENT_DEPTH} levels`, () => {
    expect(runInputFor(flow, nested(MAX_DOCUMENT_DEPTH))).toEqual(nested(MAX_DOCUMENT_DEPTH));
  });

  it.each([MAX_DOCUMENT_DEPTH + 1, 3000, 20_000])('refuses input nested %i levels', (depth) => {
    const err = thrown(() => runInputFor(flow, nested(depth)));
    expect(err.code).toBe('input_invalid');
    expect(err.message).toMatch(new RegExp(`run input.*deeper than ${MAX_DOCUMENT_DEPTH}`));
  });
});

describe('runInputFor and parameter defaults', () => {
  const flow = workflow('regions', { a: { type: 'worker', topic: 'job.demo.a' } }, {
    parameters: [{ name: 'region', default: 'mars' }],
    input_schema: { type: 'object', properties: { region: { enum: ['eu', 'us'] } } } });

  it('blames a default the caller did not give on the parameters, not on --input', () => {
    const err = thrown(() => runInputFor(flow, {}));
    const issues = (err as unknown as { issues?: { file: string }[] }).issues;
    expect(err.message).toMatch(new RegExp('^the run input \\(filled in from demo\\.regions\'s ' +
      'parameter defaults\\) does not match schema demo\\.regions input_schema: /region: '));
    expect(issues?.map((i) => i.file)).toEqual(['demo.regions parameters']);
    // Given by the caller, the same value is the caller's.
    const given = thrown(() => runInputFor(flow, { region: 'mars' }));
    expect(given.message).toMatch(/^the run input does not match/);
    expect(runInputFor(flow, { region: 'eu' })).toEqual({ region: 'eu' });
  });
});

describe('a deeply nested run input over HTTP', () => {
  let db: Database;
  let engine: Engine;
  let server: EngineServer;

  beforeAll(async () => {
    db = await (await freshDatabase(pgliteBackend)).open();
    engine = await createEngine({ db, snapshot: demoSnapshot(), workflows: DEMO_WORKFLOWS,
      schemas: DEMO_SCHEMAS, handlers: { find: () => undefined } });
    server = await startEngineServer({ engine, port: 0, pollMs: 0, ready: async () => true });
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  const startRun = async (input: string, wait = false) => {
    const res = await fetch(`${server.url}/v1/runs${wait ? '?wait=1' : ''}`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: `{"workflow_id":"demo.signoff","input":${input}}`,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it.each([20_000, 3000])('is refused with 422 at depth %i; the server goes on', async (depth) => {
    const deep = await startRun(nestedText(depth));
    expect(deep.status).toBe(422);
    expect(deep.body.code).toBe('input_invalid');

    const list = await fetch(`${server.url}/v1/runs`);
    expect(list.status).toBe(200);
    const ok = await startRun('{"release":"1.0"}', true);
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('waiting');
    const shown = await fetch(`${server.url}/v1/runs/${ok.body.run_id as string}`);
    expect(shown.status).toBe(200);
  });
});

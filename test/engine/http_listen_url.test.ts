/**
 * The URL `engine serve` prints and answers with is one a client can use,
 * on an IPv6 address too (`http://[::1]:PORT`, not `http://::1:PORT`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngineServer, type EngineServer } from '../../engine/http/server.js';
import { createEngine } from '../../engine/runner.js';
import type { Database } from '../../storage/database.js';
import { pgliteBackend } from '../helpers/databases.js';
import { DEMO_SCHEMAS, DEMO_WORKFLOWS, demoSnapshot, freshDatabase } from './fixtures.js';

describe('the engine server URL', () => {
  let db: Database;
  const servers: EngineServer[] = [];

  beforeAll(async () => {
    db = await (await freshDatabase(pgliteBackend)).open();
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await db?.close();
  });

  it.each([
    ['127.0.0.1', /^http:\/\/127\.0\.0\.1:\d+$/],
    ['::1', /^http:\/\/\[::1\]:\d+$/],
  ])('on %s is a URL that reaches it', async (host, shape) => {
    const engine = await createEngine({ db, snapshot: demoSnapshot(), workflows: DEMO_WORKFLOWS,
      schemas: DEMO_SCHEMAS, handlers: { find: () => undefined } });
    const server = await startEngineServer({ engine, host, port: 0, pollMs: 0,
      ready: async () => true });
    servers.push(server);

    expect(server.url).toMatch(shape);
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
  });
});

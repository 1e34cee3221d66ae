/**
 * `POST /v1/runs` with an `Idempotency-Key`: a start sent again (its answer
 * lost) finds the run the first made, and starts sent at once with one key
 * make one run, on both storage back ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { startEngineServer, type EngineServer } from '../../engine/http/server.js';
import { createEngine } from '../../engine/runner.js';
import { backends } from '../helpers/databases.js';
import { DEMO_SCHEMAS, demoServer, demoSnapshot, workflow } from './fixtures.js';

describe.each(backends())('starts with an Idempotency-Key on $name', (backend) => {
  let served: Awaited<ReturnType<typeof demoServer>>;
  let server: EngineServer;
  beforeAll(async () => {
    served = await demoServer(backend);
    server = served.server;
  });
  afterAll(() => served?.close());

  const start = async (key: string | undefined, workflow = 'demo.signoff', query = '') => {
    const res = await fetch(`${server.url}/v1/runs${query}`, { method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify({ workflow_id: workflow, input: { release: '1.0' } }) });
    return { status: res.status, replayed: res.headers.get('idempotent-replayed'),
      body: (await res.json()) as { run_id?: string; status?: string; code?: string;
        detail?: string } };
  };
  const runsOf = async () => ((await (await fetch(`${server.url}/v1/runs?limit=1000`)).json()) as
    { runs: { id: string }[] }).runs.map((r) => r.id);

  it('answers a start sent again with the run the first one made', async () => {
    const first = await start('deploy-7f3a', 'demo.signoff', '?wait=1');
    expect([first.status, first.replayed, first.body.status]).toEqual([200, null, 'waiting']);
    const again = await start('deploy-7f3a');
    expect([again.status, again.replayed, again.body]).toEqual([202, 'true',
      { run_id: first.body.run_id, status: 'waiting' }]);
    expect((await runsOf()).filter((id) => id === first.body.run_id)).toHaveLength(1);
    // Without a key, each start is a run of its own.
    const a = await start(undefined);
    const b = await start(undefined);
    expect(a.body.run_id).not.toBe(b.body.run_id);
  });

  it('makes one run of starts sent at once with one key', async () => {
    const before = (await runsOf()).length;
    const all = await Promise.all(Array.from({ length: 12 }, () => start('burst-1')));
    expect(all.every((r) => r.status === 202)).toBe(true);
    expect(new Set(all.map((r) => r.body.run_id)).size).toBe(1);
    expect(all.filter((r) => r.replayed === 'true')).toHaveLength(11);
    expect((await runsOf()).length).toBe(before + 1);
  });

  it('refuses a key used for another workflow, or one that is no key', async () => {
    await start('once-only');
    const other = await start('once-only', 'demo.hello');
    expect([other.status, other.body.code]).toEqual([422, 'idempotency_key_reused']);
    expect(other.body.detail)
      .toMatch(/^Idempotency-Key "once-only" started a run of demo\.signoff/);
    const long = await start('k'.repeat(257));
    expect([long.status, long.body.code]).toEqual([400, 'request_invalid']);
  });

  it('waits with ?wait=1 on a start sent again while the first still runs', async () => {
    const db = served.db;
    const nap = workflow('nap', { d: { type: 'delay', delay_sec: 1 } });
    const engine = await createEngine({ db, snapshot: demoSnapshot(), workflows: [nap],
      schemas: DEMO_SCHEMAS, handlers: { find: () => undefined } });
    const own = await startEngineServer({ engine, port: 0, pollMs: 0, ready: async () => true });
    try {
      const go = (query: string) => fetch(`${own.url}/v1/runs${query}`, { method: 'POST',
        headers: { 'idempotency-key': `nap-${backend.name}` },
        body: JSON.stringify({ workflow_id: 'demo.nap' }) });
      const first = await go('');
      expect(first.status).toBe(202);
      const again = await go('?wait=1');
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(((await again.json()) as { status: string }).status).toBe('succeeded');
    } finally {
      await own.close();
    }
  });

  it('refuses the key sent twice in one request', async () => {
    const { hostname, port } = new URL(server.url);
    const body = JSON.stringify({ workflow_id: 'demo.signoff', input: { release: '1' } });
    const answer = await new Promise<string>((done, fail) => {
      const socket = connect(Number(port), hostname, () => {
        socket.end(`POST /v1/runs HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
          'Idempotency-Key: dupA\r\nIdempotency-Key: dupB\r\n' +
          `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
          `Connection: close\r\n\r\n${body}`);
      });
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
      socket.on('end', () => done(text));
      socket.on('error', fail);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('Idempotency-Key must be 1 to 256 printable ASCII characters');
  });
});

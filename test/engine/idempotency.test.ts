/**
 * `POST /v1/runs` with an `Idempotency-Key`: a start sent again (its answer
 * lost) finds the run the first made, and starts sent at once with one key
 * make one run, on both storage back ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineServer } from '../../engine/http/server.js';
import { backends } from '../helpers/databases.js';
import { demoServer } from './fixtures.js';

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
    expect(other.body.detail).toMatch(/^Idempotency-Key "once-only" started a run of demo\.signoff/);
    const long = await start('k'.repeat(257));
    expect([long.status, long.body.code]).toEqual([400, 'request_invalid']);
  });
});

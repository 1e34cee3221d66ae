/**
 * `cordum policy history` lists every kept snapshot, however many: the
 * engine answers the history a page at a time (`?before=V&limit=N`, with
 * `next_before` while older rows remain) and the command reads every page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import { ROOT } from '../helpers/cli.js';
import { join } from 'node:path';
import { loadCandidate } from '../../engine/kernel/candidate.js';
import { startRouteServer, type RunningRouteServer } from '../../engine/kernel/http_server.js';
import { policyRoutes } from '../../engine/http/policy.js';
import { historyBody } from '../../engine/commands/policy.js';
import { openTestKernel, type TestKernel } from './helpers.js';

const SOC2 = join(ROOT, 'examples', 'packs', 'soc2-change-control');
const PCI = join(ROOT, 'examples', 'packs', 'pci-secrets');
/** More rows than one page of the history holds. */
const KEPT = 130;
let k: TestKernel;
let server: RunningRouteServer;

beforeAll(async () => {
  k = await openTestKernel(pgliteBackend, loadCandidate(SOC2));
  await k.kernel.activate(loadCandidate(PCI), { kind: 'project' });
  // Rollbacks to v1 and v2 in turn: each adds a row.
  for (let version = 3; version <= KEPT; version++) await k.kernel.rollback(version % 2 + 1);
  server = await startRouteServer(policyRoutes(k.kernel, { adminToken: 't0ken' }));
}, 60_000);

afterAll(async () => {
  await server?.close();
  await k?.close();
});

describe('policy history past one page', () => {
  it('lists every version, newest first, the oldest included', async () => {
    const history = await historyBody({ engine: server.url });
    expect(history.active).toBe(KEPT);
    expect(history.snapshots.map((s) => s.version)).toEqual(
      Array.from({ length: KEPT }, (_, i) => KEPT - i));
  });

  it('answers a page and where the next one starts', async () => {
    const get = async (query: string) => (await (await fetch(
      `${server.url}/v1/policy/history${query}`)).json()) as { snapshots: { version: number }[];
      next_before?: number };
    const first = await get('?limit=50');
    expect(first.snapshots).toHaveLength(50);
    expect(first.next_before).toBe(KEPT - 49);
    const last = await get(`?before=${50}&limit=50`);
    expect(last.snapshots.map((s) => s.version)).toEqual(
      Array.from({ length: 49 }, (_, i) => 49 - i));
    expect(last.next_before).toBeUndefined();
    expect((await fetch(`${server.url}/v1/policy/history?limit=0`)).status).toBe(400);
    expect((await fetch(`${server.url}/v1/policy/history?before=x`)).status).toBe(400);
  });
});

/**
 * PostgreSQL stopped and started under load, for real: a throw-away server
 * of this test's own. While it is down every request fails fast with 503
 * and Retry-After; once it is back the same registry process serves again.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startThrowawayPostgres, type RunningPostgres } from '../setup/postgres.js';
import type { Backend } from '../helpers/databases.js';
import { readProblem, registeredKey, signedFixture, raw, type TestRegistry } from './helpers.js';
import { NO_LIMITS, startCustomRegistry } from './trust-helpers.js';

function asPostgres(args: string[]) {
  const isRoot = process.getuid?.() === 0;
  const [cmd, ...rest] = isRoot ? ['runuser', '-u', 'postgres', '--', ...args] : args;
  execFileSync(cmd!, rest, { stdio: 'pipe' });
}

describe('PostgreSQL stopped and started under load', () => {
  const root = mkdtempSync(join(tmpdir(), 'cordum-pgfault-'));
  const dir = join(root, 'pg');
  let server: RunningPostgres;
  let reg: TestRegistry;
  let port = '';

  const stop = () => asPostgres(['pg_ctl', '-D', `${dir}/data`, '-m', 'immediate', '-w', 'stop']);
  const start = () => asPostgres(['pg_ctl', '-D', `${dir}/data`, '-l', `${dir}/log`, '-w', '-t',
    '30', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir}`,
    'start']);

  beforeAll(async () => {
    chmodSync(root, 0o755);
    server = await startThrowawayPostgres(dir);
    port = new URL(server.url).port;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('CREATE DATABASE faults');
    await admin.end();
    const url = new URL(server.url);
    url.pathname = '/faults';
    const backend: Backend = { name: 'postgres',
      fresh: async () => ({ url: url.toString(), dataDir: mkdtempSync(join(root, 'data-')) }) };
    reg = await startCustomRegistry(backend, { hardening: NO_LIMITS });
    const key = await registeredKey(reg);
    const pack = await signedFixture('hello-pack', key);
    await reg.admin.publish(pack.tgz, pack.bundle);
  });
  afterAll(async () => {
    await reg?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  it('answers 503 fast while the database is down and recovers by itself', async () => {
    const samples: { began: number; at: number; status: number; ms: number }[] = [];
    let running = true;
    const worker = async () => {
      while (running) {
        const t0 = performance.now();
        const began = Date.now();
        const res = await raw(reg, '/v1/packs/hello-pack/resolve?range=^0.1');
        await res.arrayBuffer();
        samples.push({ began, at: Date.now(), status: res.status, ms: performance.now() - t0 });
      }
    };
    const workers = [worker(), worker(), worker(), worker()];
    // Enough answers on each side of the stop, however busy the machine (bounded waits).
    const atLeast = async (count: () => number, ms: number) => {
      const until = Date.now() + 15_000;
      await new Promise((r) => setTimeout(r, ms));
      while (count() <= 10 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    };
    await atLeast(() => samples.length, 500);

    stop();
    const stoppedAt = Date.now();
    await atLeast(() => samples.filter((s) => s.at > stoppedAt + 200).length, 1500);
    const down = await raw(reg, '/v1/health', {}, null);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('1');
    expect(await readProblem(down)).toMatchObject({ code: 'service_unavailable' });
    start();
    const startedAt = Date.now();
    const until = Date.now() + 20_000;
    while (Date.now() < until && (await raw(reg, '/v1/health', {}, null)).status !== 200) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const recoveredAt = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    running = false;
    await Promise.all(workers);

    const before = samples.filter((s) => s.at < stoppedAt);
    const during = samples.filter((s) => s.at > stoppedAt + 200 && s.at < startedAt);
    // Requests started once the registry said it was healthy again.
    const after = samples.filter((s) => s.began > recoveredAt + 200);
    expect(before.length).toBeGreaterThan(10);
    expect(before.every((s) => s.status === 200)).toBe(true);
    expect(during.length).toBeGreaterThan(10);
    expect(new Set(during.map((s) => s.status))).toEqual(new Set([503]));
    expect(Math.max(...during.map((s) => s.ms))).toBeLessThan(500);
    expect(after.length).toBeGreaterThan(4);
    expect(after.filter((s) => s.status !== 200)).toEqual([]);
    expect((await reg.admin.resolve('hello-pack', '^0.1')).version).toBe('0.1.0');
  });
});

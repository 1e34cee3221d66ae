/**
 * Registries for the issue-5 suites (hardening, audit, contract, faults,
 * scale): in process with chosen hardening, TLS and timeouts, or as real
 * `cordum registry serve` processes that a test may kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../helpers/databases.js';
import { CLI, ROOT } from '../helpers/cli.js';
import { RegistryClient } from '../../packs/client/registry.js';
import { fixedClock } from '../../registry/clock.js';
import type { HardeningOptions } from '../../registry/hardening/options.js';
import { jsonLogger } from '../../registry/log.js';
import { startRegistryServer, type ServerOptions } from '../../registry/server.js';
import { openRegistryServices } from '../../registry/wiring.js';
import { ADMIN_TOKEN, type TestRegistry } from './helpers.js';

export const NO_LIMITS: HardeningOptions = { corsOrigins: [], addressRate: null, tokenRate: null };

export async function startCustomRegistry(backend: Backend, options: {
  hardening?: HardeningOptions; anonymousRead?: boolean;
  server?: Partial<ServerOptions>;
} = {}): Promise<TestRegistry> {
  const db = await backend.fresh();
  const clock = fixedClock(new Date('2025-01-02T03:04:05.000Z'));
  const logs: string[] = [];
  const services = await openRegistryServices({
    dataDir: db.dataDir, ...(db.url ? { databaseUrl: db.url } : {}),
    bootstrapToken: ADMIN_TOKEN, anonymousRead: options.anonymousRead ?? false,
    log: jsonLogger((line) => logs.push(line), clock), clock,
    ...(options.hardening ? { hardening: options.hardening } : {}),
  });
  const running = await startRegistryServer(services, { port: 0, host: '127.0.0.1',
    ...options.server });
  const client = (token?: string) =>
    new RegistryClient(token === undefined ? { url: running.url } : { url: running.url, token });
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= running.close(1000));
  return {
    url: running.url, dataDir: db.dataDir, services,
    blobs: services.blobs as TestRegistry['blobs'], admin: client(ADMIN_TOKEN), clock, logs,
    client, stop,
    async close() {
      await stop();
      rmSync(db.dataDir, { recursive: true, force: true });
    },
  };
}

export interface ServedRegistry {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

export function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'cordum.js'))) {
    throw new Error('dist/cordum.js is missing: run `npm run build` before these suites');
  }
}

/** A real `cordum registry serve` process; resolves once it listens. */
export function serveRegistry(db: { url?: string; dataDir: string },
  extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServedRegistry> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, CORDUM_BOOTSTRAP_TOKEN: ADMIN_TOKEN,
    ...env };
  if (db.url) childEnv.DATABASE_URL = db.url;
  else delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, [CLI, 'registry', 'serve', '--port', '0', '--host',
    '127.0.0.1', '--data', db.dataDir, ...extra],
  { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c) => (err += c));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no listening line in 60 s:\n${err}`)), 60_000);
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /listening on (https?:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({ child, url: m[1]!, stderr: () => err, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`registry exited with ${code}:\n${err}`));
    });
  });
}

export async function stopRegistry(r: ServedRegistry, signal: NodeJS.Signals = 'SIGTERM') {
  if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill(signal);
  await r.exited;
}

export function adminFetch(url: string, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${ADMIN_TOKEN}`);
  return fetch(`${url}${path}`, { ...init, headers });
}

/**
 * Runs the real `cordum` CLI and real registry processes for end-to-end
 * suites. Everything listens on 127.0.0.1 and is stopped by `stopAll()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend } from './databases.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'bin', 'cordum.js');
export { REAL_PACKS as SHARED_PACKS } from './real_packs.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cordum ...args` to completion. */
export function cordum(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv;
  input?: string } = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Parses the `--json` output of a command that must have succeeded. */
export function json<T = Record<string, unknown>>(r: CliResult): T {
  if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

const running = new Set<ChildProcess>();

export interface RunningRegistry {
  url: string;
  token: string;
  dataDir: string;
  child: ChildProcess;
  logs: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `cordum registry serve` on a free port over the given backend. */
export async function startRegistry(backend: Backend, extraArgs: string[] = [])
  : Promise<RunningRegistry> {
  const db = await backend.fresh();
  const dataDir = db.dataDir;
  mkdirSync(dataDir, { recursive: true });
  const token = `test-admin-${Math.random().toString(36).slice(2)}`;
  const env: NodeJS.ProcessEnv = { ...process.env, CORDUM_BOOTSTRAP_TOKEN: token };
  if (db.url) env.DATABASE_URL = db.url;
  else delete env.DATABASE_URL;
  const child = spawn(process.execPath, [CLI, 'registry', 'serve', '--port', '0', '--data',
    dataDir, ...extraArgs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (c) => (err += c));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`registry did not start:\n${err}`)), 60_000);
    child.stdout!.on('data', (c) => {
      out += c;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`registry exited with ${code}:\n${err}`));
    });
  });
  return {
    url, token, dataDir, child, logs: () => err,
    stop: (signal = 'SIGTERM') => stopChild(child, signal),
  };
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  running.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill(signal);
  });
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((c) => stopChild(c, 'SIGTERM')));
}

/**
 * Makes a key, registers it, and builds, signs and publishes each pack folder
 * to the registry through the real CLI. Returns the work folder it used.
 */
export async function publishSigned(reg: RunningRegistry, dirs: string[]): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'cordum-publish-'));
  const env = { CORDUM_REGISTRY: reg.url, CORDUM_TOKEN: reg.token };
  json(await cordum(['keygen', '--out', join(work, 'keys'), '--json']));
  json(await cordum(['registry', 'key', 'add', join(work, 'keys', 'cordum.pub'), '--json'],
    { env }));
  for (const dir of dirs) {
    const tgz = join(work, `${basename(dir)}.tgz`);
    json(await cordum(['pack', 'build', dir, '--out', tgz, '--json']));
    json(await cordum(['pack', 'sign', tgz, '--key', join(work, 'keys', 'cordum.key'), '--json']));
    json(await cordum(['pack', 'publish', tgz, '--json'], { env }));
  }
  return work;
}

/**
 * What the `cordum engine serve` suites share: the real CLI started as a
 * child process (waiting for its listening line, stopped by signal), an
 * HTTP worker on 127.0.0.1 that counts jobs by idempotency key, a project
 * with echo-tools installed that sends its jobs there, and polling.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXAMPLE_PACKS, installedProject } from './project.js';

/** The CLI's entry point, as installed. */
export const CLI = resolve('bin', 'cordum.js');

export interface CountingWorker {
  url: string;
  /** Jobs received, by idempotency key. */
  counts: Map<string, number>;
  /** Jobs answered so far. */
  answered(): number;
  close(): Promise<void>;
}

/** Answers each job after `delayMs`, counting it by its idempotency key. */
export async function countingWorker(delayMs: number): Promise<CountingWorker> {
  const counts = new Map<string, number>();
  let answered = 0;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      const job = JSON.parse(text) as { idempotency_key: string; input: { message?: string } };
      counts.set(job.idempotency_key, (counts.get(job.idempotency_key) ?? 0) + 1);
      setTimeout(() => {
        answered++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ echo: job.input.message }));
      }, delayMs);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jobs`,
    counts,
    answered: () => answered,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

export interface Serving {
  child: ChildProcess;
  url: string;
  /** Everything it wrote on stderr so far. */
  stderr(): string;
}

/** Starts `cordum engine serve` and waits for its listening line. */
export function serve(
  project: string,
  args: string[],
  env: Record<string, string>,
): Promise<Serving> {
  const child = spawn(
    process.execPath,
    [CLI, 'engine', 'serve', '--project', project, '--port', '0', ...args],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return new Promise((done, fail) => {
    let err = '';
    const timer = setTimeout(() => fail(new Error(`serve did not start: ${err}`)), 60_000);
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString('utf8');
      const url = /engine listening on (http:\/\/\S+)/.exec(err)?.[1];
      if (url) {
        clearTimeout(timer);
        done({ child, url, stderr: () => err });
      }
    });
    child.once('exit', (code) => fail(new Error(`serve exited ${code}: ${err}`)));
  });
}

/** What `probe` answers once it answers something, polled every 100 ms for up to `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Sends `signal` to a serve process still running and waits for it to exit. */
export async function stop(s: Serving, signal: NodeJS.Signals) {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill(signal);
  await exited;
}

/** A run as `GET /v1/runs/:id` answers it (the fields the suites read). */
export interface RunBody {
  run: { status: string };
  steps: { step_id: string; status: string }[];
  timeline: { type: string }[];
}

/** POSTs `body` as JSON. */
export function post(url: string, body: unknown) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** A project with echo-tools installed, its jobs sent to the worker at `url`. */
export async function echoProject(url: string): Promise<string> {
  const project = await installedProject([join(EXAMPLE_PACKS, 'echo-tools')]);
  writeFileSync(join(project, 'cordum.deployment.yaml'), `apiVersion: cordum.io/v1alpha1
kind: Deployment
spec:
  handlers:
    - topics: ["job.echo-tools.*"]
      http: { url: "${url}" }
`);
  return project;
}

/**
 * `cordum engine serve` end to end: the real CLI in child processes over a
 * project with a real pack installed, jobs sent to an HTTP worker on
 * 127.0.0.1 that counts them by idempotency key. A serve process is killed
 * with SIGKILL mid-run; a new one takes the run over once its lease runs
 * out, and no step that had finished runs again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { EXAMPLE_PACKS, installedProject } from './project.js';

const CLI = resolve('bin', 'cordum.js');

interface CountingWorker {
  url: string;
  /** Jobs received, by idempotency key. */
  counts: Map<string, number>;
  /** Jobs answered so far. */
  answered(): number;
  close(): Promise<void>;
}

/** Answers each job after `delayMs`, counting it by its idempotency key. */
async function countingWorker(delayMs: number): Promise<CountingWorker> {
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

interface Serving {
  child: ChildProcess;
  url: string;
  /** Everything it wrote on stderr so far. */
  stderr(): string;
}

/** Starts `cordum engine serve` and waits for its listening line. */
function serve(project: string, args: string[], env: Record<string, string>): Promise<Serving> {
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

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function stop(s: Serving, signal: NodeJS.Signals) {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill(signal);
  await exited;
}

interface RunBody {
  run: { status: string };
  steps: { step_id: string; status: string }[];
  timeline: { type: string }[];
}

describe.each(backends())(
  'cordum engine serve on $name',
  (backend) => {
    let project: string;
    let worker: CountingWorker;
    let env: Record<string, string>;
    let data: string[];

    beforeAll(async () => {
      worker = await countingWorker(1500);
      project = await installedProject([join(EXAMPLE_PACKS, 'echo-tools')]);
      writeFileSync(
        join(project, 'cordum.deployment.yaml'),
        `apiVersion: cordum.io/v1alpha1
kind: Deployment
metadata: { name: local }
spec:
  handlers:
    - topics: ["job.echo-tools.*"]
      http: { url: "${worker.url}" }
`,
      );
      const target = await backend.fresh();
      env = target.url ? { DATABASE_URL: target.url } : {};
      data = ['--data', target.dataDir];
    });
    afterAll(async () => worker.close());

    it('answers health, readiness and run routes, and cancels a run', async () => {
      const s = await serve(project, [...data, '--lease-ms', '1500', '--poll-ms', '200'], env);
      try {
        expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
        expect(await (await fetch(`${s.url}/readyz`)).json()).toEqual({ status: 'ready' });
        const missing = await fetch(`${s.url}/v1/runs/nope`);
        expect(missing.status).toBe(404);
        expect(await missing.json()).toMatchObject({ code: 'run_not_found' });

        // Input that is not an object, or holds text the database cannot store, is refused
        // before anything is recorded (a NUL used to fail every later read of the runs).
        const text = await post(`${s.url}/v1/runs`,
          { workflow_id: 'echo-tools.greet', input: 'x' });
        expect(text.status).toBe(422);
        expect(await text.json()).toMatchObject({ code: 'input_invalid' });
        const nul = await fetch(`${s.url}/v1/runs`, { method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"workflow_id":"echo-tools.greet","input":{"name":"a\\u0000b"}}' });
        expect(nul.status).toBe(400);
        expect(await nul.json()).toMatchObject({ code: 'request_invalid' });
        expect((await fetch(`${s.url}/v1/runs`)).status).toBe(200);
        for (const limit of ['-1', 'abc', '100000']) {
          const listed = await fetch(`${s.url}/v1/runs?limit=${limit}`);
          expect(listed.status, limit).toBe(400);
          expect(await listed.json()).toMatchObject({ code: 'usage' });
        }

        const started = await post(`${s.url}/v1/runs`, {
          workflow_id: 'echo-tools.greet',
          input: { name: 'bo' },
        });
        expect(started.status).toBe(202);
        const { run_id: id } = (await started.json()) as { run_id: string };
        await until('the first job', async () =>
          worker.counts.has(`${id}:hello:1`) ? true : undefined,
        );
        // The run is taken from the queue while its job is out (1.5 s); none waits.
        const depth = await (await fetch(`${s.url}/metrics`)).text();
        expect(depth).toContain('cordum_engine_queue_depth{state="taken"} 1\n');
        expect(depth).toContain('cordum_engine_queue_depth{state="waiting"} 0\n');
        const cancelled = await post(`${s.url}/v1/runs/${id}/cancel`, {});
        expect(cancelled.status).toBe(200);
        const body = await until('the cancel', async () => {
          const view = (await (await fetch(`${s.url}/v1/runs/${id}`)).json()) as RunBody;
          return view.run.status === 'cancelled' ? view : undefined;
        });
        expect(body.steps.map((st) => st.status)).toEqual(['cancelled', 'cancelled']);
        const list = (await (await fetch(`${s.url}/v1/runs`)).json()) as { runs: { id: string }[] };
        expect(list.runs.map((r) => r.id)).toContain(id);
        // The step's decision went through the kernel: counted, and versioned on the step.
        const metrics = await (await fetch(`${s.url}/metrics`)).text();
        expect(metrics)
          .toMatch(/cordum_policy_decisions_total\{decision="\w+",rule="[^"]*"\} [1-9]/);
        expect(body.steps[0]).toMatchObject({ decision: { snapshot_version: 1 } });
      } finally {
        await stop(s, 'SIGTERM');
      }
    });

    it('takes a run over after kill -9 without running a finished step again', async () => {
      const flags = [...data, '--lease-ms', '1500', '--poll-ms', '200'];
      const first = await serve(project, flags, env);
      const started = await post(`${first.url}/v1/runs`, {
        workflow_id: 'echo-tools.greet',
        input: { name: 'ana' },
      });
      const { run_id: id } = (await started.json()) as { run_id: string };
      // `hello` has finished once `reply` was sent: kill the engine then.
      await until('the second job', async () =>
        worker.counts.has(`${id}:reply:1`) ? true : undefined,
      );
      await stop(first, 'SIGKILL');

      const second = await serve(project, flags, env);
      try {
        const view = await until('the run to finish', async () => {
          const res = await fetch(`${second.url}/v1/runs/${id}`);
          const body = (await res.json()) as RunBody;
          return body.run.status === 'succeeded' ? body : undefined;
        });
        expect(view.steps.map((st) => st.status)).toEqual(['succeeded', 'succeeded']);
        expect(view.timeline.map((e) => e.type)).toContain('run_taken_over');
        expect(worker.counts.get(`${id}:hello:1`)).toBe(1);
        // The job in flight was sent again with the same key, so a worker can drop it.
        expect(worker.counts.get(`${id}:reply:1`)).toBe(2);
        expect([...worker.counts.keys()].filter((k) => k.startsWith(id))).toHaveLength(2);
      } finally {
        await stop(second, 'SIGTERM');
      }
    });
  },
  120_000,
);

function post(url: string, body: unknown) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

interface RunEvents {
  run: { status: string };
  timeline: { type: string; details?: { owner?: string } }[];
}

describe('two cordum engine serve processes on one PostgreSQL', () => {
  it('share runs through graphile-worker; one killed, every run finishes once', async () => {
    const backend = backends().find((b) => b.name === 'postgres')!;
    const worker = await countingWorker(400);
    const project = await installedProject([join(EXAMPLE_PACKS, 'echo-tools')]);
    writeFileSync(
      join(project, 'cordum.deployment.yaml'),
      `apiVersion: cordum.io/v1alpha1
kind: Deployment
spec:
  handlers:
    - topics: ["job.echo-tools.*"]
      http: { url: "${worker.url}" }
`,
    );
    const env = { DATABASE_URL: (await backend.fresh()).url! };
    const flags = ['--lease-ms', '1500', '--poll-ms', '300', '--concurrency', '2'];
    const a = await serve(project, flags, env);
    const b = await serve(project, flags, env);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await post(`${a.url}/v1/runs`, {
          workflow_id: 'echo-tools.greet',
          input: { name: `n${i}` },
        });
        ids.push(((await res.json()) as { run_id: string }).run_id);
      }
      await until('a few jobs', async () => (worker.answered() >= 3 ? true : undefined));
      await stop(a, 'SIGKILL');
      const sentBeforeKill = [...worker.counts.values()].reduce((x, y) => x + y, 0);

      const views = await until(
        'every run',
        async () => {
          const all = await Promise.all(
            ids.map(
              async (id) => (await (await fetch(`${b.url}/v1/runs/${id}`)).json()) as RunEvents,
            ),
          );
          return all.every((v) => v.run.status === 'succeeded') ? all : undefined;
        },
        60_000,
      );
      const owners = new Set(
        views.flatMap((v) => v.timeline.map((e) => e.details?.owner).filter(Boolean)),
      );
      expect(owners.size).toBeGreaterThanOrEqual(2);
      // Each run sent two jobs. Only a job sent before the kill can go out again (in flight, or
      // answered but not yet recorded by the killed process), and then only once more.
      const total = [...worker.counts.values()].reduce((x, y) => x + y, 0);
      expect(total).toBeLessThanOrEqual(2 * ids.length + sentBeforeKill);
      expect(Math.max(...worker.counts.values())).toBeLessThanOrEqual(2);
      expect(worker.counts.size).toBe(2 * ids.length);
      for (const id of ids) {
        expect(worker.counts.get(`${id}:hello:1`)).toBeGreaterThanOrEqual(1);
        expect(worker.counts.get(`${id}:reply:1`)).toBeGreaterThanOrEqual(1);
      }
    } finally {
      await stop(a, 'SIGKILL');
      await stop(b, 'SIGTERM');
      await worker.close();
    }
  }, 120_000);
});

/** A project with echo-tools installed, its jobs sent to the worker at `url`. */
async function echoProject(url: string): Promise<string> {
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

describe('what operators of cordum engine serve see', () => {
  it('logs runs and requests as JSON lines and sends spans to an OTLP endpoint', async () => {
    const worker = await countingWorker(10);
    const bodies: string[] = [];
    const otlp = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString('utf8')));
      req.on('end', () => {
        bodies.push(`${req.url} ${text}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => otlp.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(otlp.address() as AddressInfo).port}`;
    const project = await echoProject(worker.url);
    const data = (await backends()[0]!.fresh()).dataDir;
    const s = await serve(project, ['--data', data], { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    try {
      const res = await fetch(`${s.url}/v1/runs?wait=1`, { method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-otlp-1' },
        body: JSON.stringify({ workflow_id: 'echo-tools.greet', input: { name: 'ops' } }) });
      const { run_id: id } = (await res.json()) as { run_id: string };
      expect(res.status).toBe(200);
      // One answered at once (202) and advanced afterwards, through the queue.
      const queued = await fetch(`${s.url}/v1/runs`, { method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-queued' },
        body: JSON.stringify({ workflow_id: 'echo-tools.greet', input: { name: 'later' } }) });
      expect(queued.status).toBe(202);
      const { run_id: later } = (await queued.json()) as { run_id: string };
      await until('the queued run', async () => {
        const body = (await (await fetch(`${s.url}/v1/runs/${later}`)).json()) as RunBody;
        return body.run.status === 'succeeded' ? true : undefined;
      });
      // A probe's path with dot segments routes elsewhere: it is logged as that route.
      await new Promise<void>((done, fail) => {
        // Options, not a URL: a URL would be normalised before it is sent.
        const req = httpRequest({ host: '127.0.0.1', port: new URL(s.url).port,
          path: '/healthz/../v1/runs', headers: { 'x-request-id': 'req-dots' } },
        (r) => r.resume().on('end', done));
        req.on('error', fail);
        req.end();
      });
      await stop(s, 'SIGTERM');
      const lines = s.stderr().split('\n').filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      // A run's lines name the request it was advanced for, in the request or after it.
      expect(lines).toContainEqual(expect.objectContaining({ level: 'info',
        msg: 'run succeeded', request_id: 'req-otlp-1', run_id: id,
        workflow_id: 'echo-tools.greet', status: 'succeeded' }));
      expect(lines).toContainEqual(expect.objectContaining({ level: 'info',
        msg: 'run succeeded', request_id: 'req-queued', run_id: later }));
      // The request id comes first, as in the request's own line.
      const runLine = lines.find((l) => l.msg === 'run succeeded' && l.run_id === id)!;
      expect(Object.keys(runLine).slice(0, 5)).toEqual(['time', 'level', 'msg', 'request_id',
        'run_id']);
      // The request's line names the run it made, as the run's own lines do.
      expect(lines).toContainEqual(expect.objectContaining({ level: 'info', msg: 'request',
        request_id: 'req-otlp-1', method: 'POST', path: '/v1/runs', status: 200, run_id: id }));
      expect(lines).toContainEqual(expect.objectContaining({ level: 'info', msg: 'request',
        request_id: 'req-dots', status: 200 }));
      for (const l of lines) expect(typeof l.time).toBe('string');
      // Spans: the run, its steps and their decisions, flushed at shutdown.
      const sent = bodies.join('\n');
      expect(sent).toContain('/v1/traces');
      for (const name of ['"run"', '"step hello"', '"step reply"', '"policy.decide"']) {
        expect(sent).toContain(name);
      }
      expect(sent).toContain(id);
      expect(sent).toContain('cordum.request_id');
      expect(sent).toContain('req-otlp-1');
    } finally {
      await stop(s, 'SIGTERM');
      otlp.close();
      await worker.close();
    }
  });

  it('stops cleanly even when the OTLP endpoint takes no spans', async () => {
    const worker = await countingWorker(10);
    const project = await echoProject(worker.url);
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise<void>((r) => dead.close(() => r()));
    const data = (await backends()[0]!.fresh()).dataDir;
    const s = await serve(project, ['--data', data], { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    try {
      const res = await post(`${s.url}/v1/runs?wait=1`, { workflow_id: 'echo-tools.greet',
        input: { name: 'x' } });
      expect(res.status).toBe(200);
      await stop(s, 'SIGTERM');
      expect(s.child.exitCode).toBe(0);
      expect(s.stderr()).toContain('"msg":"spans not exported at shutdown"');
    } finally {
      await stop(s, 'SIGTERM');
      await worker.close();
    }
  });

  it('refuses --keys, --handlers and --follow-ms without --registry (exit 2), touching nothing',
    async () => {
    const data = join((await backends()[0]!.fresh()).dataDir, 'never-made');
    for (const flags of [['--keys', data], ['--handlers', join(data, 'handlers.yaml')],
      ['--follow-ms', '500']]) {
      const bad = spawn(process.execPath, [CLI, 'engine', 'serve', '--data', data, '--port', '0',
        ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      bad.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
      expect(await new Promise((r) => bad.once('close', r)), flags[0]).toBe(2);
      expect(err).toContain(`error[usage]: ${flags[0]} is used only with --registry URL`);
    }
    expect(existsSync(data)).toBe(false);
  });

  it('exits non-zero when its port is taken, freeing the data folder', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = String((taken.address() as AddressInfo).port);
    const project = await installedProject([join(EXAMPLE_PACKS, 'echo-tools')]);
    const data = (await backends()[0]!.fresh()).dataDir;
    try {
      const child = spawn(process.execPath, [CLI, 'engine', 'serve', '--project', project,
        '--data', data, '--port', port], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      expect(code).toBe(1);
      expect(err).toContain(`error[port_in_use]: the address 127.0.0.1:${port} is in use`);
      // Flags are checked before the data folder is touched: a fresh one is never made.
      const fresh = join(data, 'never-made');
      for (const flags of [['--port', '99999'], ['--port', 'abc'], ['--port', '1.5'],
        ['--poll-ms', '0x50']]) {
        const bad = spawn(process.execPath, [CLI, 'engine', 'serve', '--project', project,
          '--data', fresh, ...flags], { stdio: 'ignore' });
        expect(await new Promise((r) => bad.once('exit', r)), flags.join(' ')).toBe(2);
      }
      expect(existsSync(fresh)).toBe(false);
      // A failure after the data folder is open (here: --keys names no folder) still ends
      // the process and frees the folder.
      const keys = spawn(process.execPath, [CLI, 'engine', 'serve', '--project', project,
        '--data', data, '--port', '0', '--registry', 'http://127.0.0.1:1', '--deployment', 'x',
        '--keys', join(data, 'no-such-keys')], { stdio: 'ignore' });
      expect(await new Promise((r) => keys.once('exit', r))).toBe(1);
    } finally {
      taken.close();
    }
  });
});


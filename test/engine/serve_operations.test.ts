/**
 * What operators of `cordum engine serve` see, through the real CLI: runs
 * and requests logged as JSON lines and spans sent to an OTLP endpoint
 * (and a clean stop when it takes none); bad flags and a taken port
 * refused with an exit code, the data folder left untouched or freed.
 */
import { spawn } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { EXAMPLE_PACKS, installedProject } from './project.js';
import {
  CLI, countingWorker, echoProject, post, serve, stop, until, type RunBody,
} from './serving.js';

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

  it('says while it serves, once, that the OTLP endpoint refuses its spans', async () => {
    const worker = await countingWorker(0);
    let posts = 0;
    const refusing = createServer((req, res) => {
      posts++;
      req.resume().on('end', () => res.writeHead(400).end('{"message":"bad spans"}'));
    });
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
    const data = (await backends()[0]!.fresh()).dataDir;
    const s = await serve(await echoProject(worker.url), ['--data', data],
      { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' });
    const refused = () => s.stderr().split('\n').filter((l) => l.includes('"spans not exported"'));
    try {
      for (let i = 0; i < 2; i++) {
        const res = await post(`${s.url}/v1/runs?wait=1`, { workflow_id: 'echo-tools.greet',
          input: { name: `x${i}` } });
        expect(res.status).toBe(200);
        await until('a refused export', async () => (posts > i ? true : undefined));
      }
      // Told while serving, not only at shutdown; once for the streak, not at every batch.
      const lines = await until('the warning', async () =>
        (refused().length > 0 ? refused() : undefined));
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn',
        endpoint: `${endpoint}/v1/traces`, error: expect.stringMatching(/400/) });
    } finally {
      await stop(s, 'SIGTERM');
      refusing.close();
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
        ['--poll-ms', '0x50'], ['--concurrency', '0'], ['--lease-ms', '99'],
        // An empty --host would listen on every interface, not on loopback.
        ['--host', ''], ['--host', ' ']]) {
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

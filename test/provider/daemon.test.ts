/**
 * The warm provider daemon and the installed launcher, as real processes:
 * an instance served through the launcher speaks gRPC with mutual TLS like
 * a cold provider; a wrong secret, a stale daemon file, another build or
 * CORDUM_PROVIDER_DAEMON=0 make the launcher start node itself; killing the
 * launcher stops its instance; a broken request leaves the daemon serving;
 * `--stop` and the idle timeout end the daemon and remove its file.
 * Needs `npm run build`.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeServerCertificate } from '../../provider/plugin/certificate.js';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../../provider/plugin/handshake.js';
import { clients, tlsClients, unary } from './grpc_client.js';
import {
  CLI,
  installProvider,
  startProviderDaemon,
  tempDir,
  type RunningDaemon,
} from './helpers.js';

interface Launched {
  child: ChildProcessWithoutNullStreams;
  line: string;
  /** What the launcher process runs now: `cat` (warm) or `node` (cold). */
  program: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function terraformEnv(file: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
    PLUGIN_PROTOCOL_VERSIONS: '6',
    CORDUM_PROVIDER_DAEMON_FILE: file,
    ...extra,
  };
}

/**
 * The program a process runs once the launcher has exec'd it: sh execs
 * bash, which prints the handshake and then execs cat (cmdline reads empty
 * during an exec).
 */
async function programOf(pid: number): Promise<string> {
  let program = 'bash';
  for (let i = 0; i < 40 && ['sh', 'bash', ''].includes(program); i += 1) {
    if (i > 0) await new Promise((r) => setTimeout(r, 25));
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    program = (cmdline[0] ?? '').split('/').pop() ?? '';
  }
  return program;
}

function launch(launcher: string, env: NodeJS.ProcessEnv, cwd?: string): Promise<Launched> {
  const child = spawn(launcher, [], { env, ...(cwd ? { cwd } : {}) });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return new Promise((done, fail) => {
    child.stdout.on('data', async (c: Buffer) => {
      const had = out.includes('\n');
      out += c.toString();
      if (had || !out.includes('\n')) return;
      const program = await programOf(child.pid ?? 0);
      done({ child, line: out.split('\n')[0]!, program, stderr: () => err, exited });
    });
    child.on('exit', (code) => fail(new Error(`exited ${code} before the handshake: ${err}`)));
  });
}

/**
 * Ends a provider the launcher started as node: SIGTERM, as a Terraform
 * that is shutting down sends, must leave no socket folder behind.
 */
async function endCold(p: Launched): Promise<void> {
  const socketDir = dirname(p.line.split('|')[3]!);
  expect(existsSync(socketDir)).toBe(true);
  p.child.kill('SIGTERM');
  expect(await p.exited).toBe(0);
  expect(existsSync(socketDir)).toBe(false);
}

function instancesStarted(daemon: RunningDaemon): number {
  return daemon.log().split('\n').filter((l) => l.includes('"instance started"')).length;
}

/** Sends raw bytes to the daemon and answers everything it sends back before closing. */
function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((done, fail) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(bytes));
    let answer = '';
    socket.on('data', (c: Buffer) => (answer += c.toString()));
    socket.on('close', () => done(answer));
    socket.on('error', fail);
  });
}

describe('cordum provider daemon', () => {
  let launcher: string;
  let file: string;
  let daemon: RunningDaemon;

  beforeAll(async () => {
    launcher = installProvider(tempDir('cordum-daemon-tf-')).path;
    file = join(tempDir('cordum-daemon-home-'), 'provider-daemon.json');
    daemon = await startProviderDaemon(file, ['--idle-timeout', '10m']);
  }, 60_000);

  afterAll(async () => {
    await daemon?.stop();
  });

  it('writes a 0600 daemon file naming its loopback port and process', () => {
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^\{"port":\d+,"secret":"[0-9a-f]{64}","pid":\d+\}\n$/);
    expect(JSON.parse(text)).toMatchObject({ port: daemon.port, pid: daemon.pid });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('serves an instance through the launcher: mutual TLS, schemas, Shutdown ends it', async () => {
    const client = makeServerCertificate();
    const before = instancesStarted(daemon);
    const p = await launch(launcher, terraformEnv(file, { PLUGIN_CLIENT_CERT: client.certPem }));
    expect(p.program).toBe('cat');
    const [core, proto, network, address, protocol] = p.line.split('|');
    expect([core, proto, network, protocol]).toEqual(['1', '6', 'unix', 'grpc']);

    const { provider, controller } = tlsClients(p.line, client);
    const schema = await unary(provider, 'GetProviderSchema', {});
    expect(Object.keys(schema.resource_schemas as object)).toContain('cordum_token');
    await unary(controller, 'Shutdown', {});
    expect(await p.exited).toBe(0);
    expect(existsSync(address!)).toBe(false);
    expect(instancesStarted(daemon)).toBe(before + 1);
    provider.close();
    controller.close();
  });

  it('relays the instance log lines to stderr at the TF_LOG level', async () => {
    const p = await launch(launcher, terraformEnv(file, { TF_LOG: 'DEBUG' }));
    expect(p.program).toBe('cat');
    const address = p.line.split('|')[3]!;
    const { provider, controller } = clients(address, grpc.credentials.createInsecure());
    await unary(provider, 'GetMetadata', {});
    await unary(controller, 'Shutdown', {});
    expect(await p.exited).toBe(0);
    const messages = p
      .stderr()
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as Record<string, string>)['@message']);
    expect(messages).toContain('plugin listening');
    expect(messages).toContain('shutdown requested');
    provider.close();
    controller.close();
  });

  it('stops the instance when Terraform kills the launcher', async () => {
    const p = await launch(launcher, terraformEnv(file));
    const address = p.line.split('|')[3]!;
    expect(existsSync(address)).toBe(true);
    p.child.kill('SIGKILL');
    await p.exited;
    for (let i = 0; i < 40 && existsSync(address); i += 1) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(existsSync(address)).toBe(false);
  });

  it('stops the instance when Terraform dies without a Shutdown', async () => {
    // A shell stands for Terraform: the launcher is its child, and it dies at once.
    const parent = spawn('/bin/sh', ['-c', '"$0" & wait', launcher], { env: terraformEnv(file) });
    const line = await new Promise<string>((done) => {
      let out = '';
      parent.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) done(out.split('\n')[0]!);
      });
    });
    const address = line.split('|')[3]!;
    expect(existsSync(address)).toBe(true);
    parent.kill('SIGKILL');
    for (let i = 0; i < 60 && existsSync(address); i += 1) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(existsSync(address)).toBe(false);
  });

  it('refuses a wrong secret, and the launcher then starts node itself', async () => {
    const wrong = `cordum-provider/1\0${'0'.repeat(64)}\0/x\0/\0${process.pid}\0A=1\0\0`;
    expect(await exchange(daemon.port, wrong)).toBe(
      'cordum-provider-daemon: refused [secret_wrong]: ' +
        'The secret does not match the daemon file.\n',
    );

    const forged = join(tempDir('cordum-daemon-forged-'), 'provider-daemon.json');
    const real = JSON.parse(readFileSync(file, 'utf8')) as { port: number; pid: number };
    const reordered = { port: real.port, secret: 'a'.repeat(64), pid: real.pid };
    writeFileSync(forged, `${JSON.stringify(reordered)}\n`, { mode: 0o600 });
    const before = instancesStarted(daemon);
    const p = await launch(launcher, terraformEnv(forged));
    expect(p.program).toBe('node');
    expect(p.stderr()).toContain('[secret_wrong]');
    expect(instancesStarted(daemon)).toBe(before);
    await endCold(p);
  });

  it('falls back to node at once on a stale daemon file', async () => {
    // A closed port and a live process of ours (this test), then a process that is gone.
    const closed = await new Promise<number>((done) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => done(port));
      });
    });
    const stale = join(tempDir('cordum-daemon-stale-'), 'provider-daemon.json');
    for (const pid of [process.pid, 2 ** 22 + 1]) {
      writeFileSync(stale, `{"port":${closed},"secret":"${'b'.repeat(64)}","pid":${pid}}\n`);
      const started = Date.now();
      const p = await launch(launcher, terraformEnv(stale));
      expect(p.program).toBe('node');
      expect(Date.now() - started).toBeLessThan(5000);
      await endCold(p);
    }
  });

  it('starts node itself with CORDUM_PROVIDER_DAEMON=0 or for another build', async () => {
    const off = await launch(launcher, terraformEnv(file, { CORDUM_PROVIDER_DAEMON: '0' }));
    expect(off.program).toBe('node');
    await endCold(off);

    // Another build: the same install with a changed lib/provider.cjs.
    const platform = join(launcher, '..');
    const other = join(tempDir('cordum-daemon-other-'), 'p');
    cpSync(platform, other, { recursive: true });
    appendFileSync(join(other, 'lib', 'provider.cjs'), '\n// another build\n');
    const p = await launch(join(other, 'terraform-provider-cordum_v0.1.0'), terraformEnv(file));
    expect(p.program).toBe('node');
    expect(p.stderr()).toContain('[build_mismatch]');
    await endCold(p);
  });

  it('keeps serving after a broken request', async () => {
    const secret = (JSON.parse(readFileSync(file, 'utf8')) as { secret: string }).secret;
    const noCookie = `cordum-provider/1\0${secret}\0/x\0/\0${process.pid}\0A=1\0\0`;
    expect(await exchange(daemon.port, noCookie)).toContain('[not_terraform]');
    const garbage = `cordum-provider/1\0${secret}\0/x\0/\0${process.pid}\0=no-name\0\0`;
    expect(await exchange(daemon.port, garbage)).toContain('[request_invalid]');
    // An instance whose client certificate is garbage fails its TLS handshakes only.
    const broken = await launch(launcher, terraformEnv(file, { PLUGIN_CLIENT_CERT: 'garbage' }));
    const { provider } = tlsClients(broken.line, makeServerCertificate());
    await expect(unary(provider, 'GetMetadata', {})).rejects.toThrow(/UNAVAILABLE|14/);
    provider.close();
    broken.child.kill('SIGKILL');
    await broken.exited;

    const p = await launch(launcher, terraformEnv(file));
    expect(p.program).toBe('cat');
    p.child.kill('SIGKILL');
    await p.exited;
  });
});

describe('cordum provider daemon --help', () => {
  it('lists every --log-level the daemon accepts', () => {
    const help = spawnSync(process.execPath, [CLI, 'provider', 'daemon', '--help'],
      { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain(
      'daemon log level on stderr: trace, debug, info, warn or error');
  });
});

describe('cordum provider daemon lifetime', () => {
  it('exits after the idle timeout and removes its file', async () => {
    const file = join(tempDir('cordum-daemon-idle-'), 'provider-daemon.json');
    const daemon = await startProviderDaemon(file, ['--idle-timeout', '1s']);
    expect(existsSync(file)).toBe(true);
    const started = Date.now();
    expect(await daemon.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(existsSync(file)).toBe(false);
    expect(daemon.log()).toContain('"reason":"idle"');
  }, 30_000);

  it('stops on --stop, refuses a second daemon, and --stop without one fails', async () => {
    const file = join(tempDir('cordum-daemon-stop-'), 'provider-daemon.json');
    const daemon = await startProviderDaemon(file);
    const env = { ...process.env, CORDUM_PROVIDER_DAEMON_FILE: file };
    const cordum = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, 'provider', 'daemon', ...args], { env, encoding: 'utf8' });
    const second = cordum();
    expect(second.status).toBe(1);
    expect(second.stderr).toContain('error[daemon_running]');

    const stop = cordum('--stop', '--json');
    expect(stop.status).toBe(0);
    expect(JSON.parse(stop.stdout)).toEqual({ pid: daemon.pid, file });
    expect(await daemon.exited).toBe(0);
    expect(existsSync(file)).toBe(false);

    const again = cordum('--stop');
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('error[daemon_not_running]');
  }, 30_000);
});

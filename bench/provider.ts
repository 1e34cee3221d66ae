/**
 * The Terraform provider, side by side with Terraform's built-in
 * `terraform_data`: time from process start to the handshake line, and
 * `terraform apply` and a no-op `terraform plan` of 1 and 50 resources.
 * Terraform starts several provider processes per command, so start-up is
 * most of the cost; it is timed through the launcher `cordum provider
 * install` writes, with Terraform's environment. Our resource is
 * `cordum_token` (one registry write each) against a registry started here
 * on loopback; a row shows what that registry alone takes for the same
 * writes and reads. Warm rows run the same launcher with a
 * `cordum provider daemon` started here (and stopped at the end) serving
 * the provider processes; cold rows set CORDUM_PROVIDER_DAEMON=0.
 */
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { makeServerCertificate } from '../provider/plugin/certificate.js';
import { COLD_ENV, startBenchDaemon, type BenchDaemon } from './provider_daemon.js';
import { percentile, printTable, summarize } from './table.js';

const COOKIE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
const HEAD = `terraform {
  required_providers {
    cordum = { source = "cordum.local/cordum/cordum", version = "0.1.0" }
  }
}
`;

/** CPU time (ms) a process and its threads have used so far; NaN off Linux. */
function cpuMs(pid: number): number {
  try {
    let ns = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    }
    return ns / 1e6;
  } catch {
    return Number.NaN;
  }
}

/** Wall and CPU time from spawn to the first line on stdout. */
function firstLine(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const started = process.hrtime.bigint();
  return new Promise<{ wall: number; cpu: number }>((done, fail) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.once('data', () => {
      const wall = Number(process.hrtime.bigint() - started) / 1e6;
      done({ wall, cpu: cpuMs(child.pid ?? 0) });
      child.kill('SIGTERM');
    });
    child.on('error', fail);
  });
}

/**
 * Starts the provider the way Terraform does: the launcher that
 * `cordum provider install` writes, with Terraform's whole environment plus
 * go-plugin's variables (AutoMTLS: PLUGIN_CLIENT_CERT).
 */
async function handshakes(cli: string, runs: number, daemon: BenchDaemon, before?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'cordum-bench-launcher-'));
  const args = [cli, 'provider', 'install', '--dir', dir, '--json'];
  const installed = spawnSync(process.execPath, args);
  const launcher = (JSON.parse(installed.stdout.toString()) as { path: string }).path;
  const terraformEnv = {
    ...process.env,
    ...COLD_ENV,
    TF_PLUGIN_MAGIC_COOKIE: COOKIE,
    PLUGIN_PROTOCOL_VERSIONS: '6',
    PLUGIN_MIN_PORT: '10000',
    PLUGIN_MAX_PORT: '25000',
  };
  const withTls = { ...terraformEnv, PLUGIN_CLIENT_CERT: makeServerCertificate().certPem };
  const warmTls = { ...withTls, ...daemon.env, CORDUM_PROVIDER_DAEMON: '' };
  const samples = {
    warm: [] as Sample[],
    tls: [] as Sample[],
    plain: [] as Sample[],
    node: [] as Sample[],
    nodeBare: [] as Sample[],
    beforeTls: [] as Sample[],
    beforePlain: [] as Sample[],
  };
  for (let i = 0; i < runs; i += 1) {
    samples.tls.push(await firstLine(launcher, [], withTls));
    samples.warm.push(await firstLine(launcher, [], warmTls));
    samples.plain.push(await firstLine(launcher, [], terraformEnv));
    if (before) {
      samples.beforeTls.push(await firstLine(before, [], withTls));
      samples.beforePlain.push(await firstLine(before, [], terraformEnv));
    }
    const echo = ['-e', 'process.stdout.write("1\\n")'];
    samples.node.push(await firstLine(process.execPath, echo, process.env));
    // The launcher moves NODE_EXTRA_CA_CERTS aside (loading those roots takes node tens of ms).
    const { NODE_EXTRA_CA_CERTS: _ca, ...withoutCa } = process.env;
    samples.nodeBare.push(await firstLine(process.execPath, echo, withoutCa));
  }
  rmSync(dir, { recursive: true, force: true });
  const row = (what: string, s: Sample[]) => {
    const wall = s.map((x) => x.wall);
    const cpu = summarize(s.map((x) => x.cpu)).median;
    return [what, summarize(wall).median, percentile90(wall), cpu];
  };
  return [
    row('cordum provider, AutoMTLS (as terraform runs it)', samples.tls),
    row('cordum provider, plaintext', samples.plain),
    row('warm: through `cordum provider daemon`, AutoMTLS (cpu: the launcher only)', samples.warm),
    ...(before
      ? [
          row('before: AutoMTLS (CORDUM_BENCH_PROVIDER_BEFORE)', samples.beforeTls),
          row('before: plaintext', samples.beforePlain),
        ]
      : []),
    row('bare `node -e`, same environment, for comparison', samples.node),
    row('bare `node -e`, without NODE_EXTRA_CA_CERTS (as the launcher runs node)',
      samples.nodeBare),
  ];
}

interface Sample {
  wall: number;
  cpu: number;
}

function percentile90(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 90);
}

interface Registry {
  url: string;
  token: string;
  stop(): void;
}

/** A registry on loopback: PGlite in a scratch folder, or the PostgreSQL at `databaseUrl`. */
function startRegistry(cli: string, databaseUrl = ''): Promise<Registry> {
  const data = mkdtempSync(join(tmpdir(), 'cordum-bench-registry-'));
  const token = `bench_${randomBytes(8).toString('hex')}`;
  const child = spawn(process.execPath, [cli, 'registry', 'serve', '--port', '0', '--data', data], {
    env: { ...process.env, CORDUM_BOOTSTRAP_TOKEN: token, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((done, fail) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) done({ url: m[1], token, stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => fail(new Error(`registry exited ${code}`)));
  });
}

function tf(dir: string, env: NodeJS.ProcessEnv, ...args: string[]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync('terraform', [...args, '-input=false', '-no-color'], { cwd: dir, env });
  if (r.status !== 0) throw new Error(`terraform ${args[0]} failed: ${r.stderr?.toString()}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

type Kind = 'cordum' | 'warm' | 'before' | 'builtin';

function config(kind: Kind, count: number): string {
  if (kind === 'builtin') {
    return `resource "terraform_data" "r" {\n  count = ${count}\n  input = count.index\n}\n`;
  }
  const body = `  count  = ${count}\n  name   = "bench-\${count.index}"\n  scopes = ["read"]\n`;
  return `${HEAD}resource "cordum_token" "r" {\n${body}}\n`;
}

function call(registry: Registry, agent: http.Agent, method: string, path: string, json?: object) {
  const body = json ? Buffer.from(JSON.stringify(json)) : undefined;
  const headers: Record<string, string> = { authorization: `Bearer ${registry.token}` };
  if (body) Object.assign(headers, { 'content-type': 'application/json' });
  return new Promise<string>((done, fail) => {
    const req = http.request(new URL(path, registry.url), { method, agent, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => done(text));
    });
    req.on('error', fail);
    req.end(body);
  });
}

/** Runs `jobs` at most `width` at a time (Terraform's default -parallelism is 10). */
async function pool(jobs: (() => Promise<unknown>)[], width = 10): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]!();
  };
  await Promise.all(Array.from({ length: width }, worker));
}

/**
 * What the registry alone takes for the same work, 10 requests at a time
 * like Terraform: `count` token creates (apply), then `count` reads (the
 * refresh of a no-op plan). The floor under the cordum_token rows.
 */
async function registryAlone(registry: Registry, count: number, runs: number) {
  const agent = new http.Agent({ keepAlive: true });
  const creates: number[] = [];
  const reads: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const ids: string[] = [];
    let t = process.hrtime.bigint();
    await pool(Array.from({ length: count }, (_, i) => async () => {
      const made = await call(registry, agent, 'POST', '/v1/tokens', {
        name: `bench-alone-${run}-${i}`,
        scopes: ['read'],
      });
      ids.push((JSON.parse(made) as { id: string }).id);
    }));
    creates.push(Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint();
    await pool(ids.map((id) => () => call(registry, agent, 'GET', `/v1/tokens/${id}`)));
    reads.push(Number(process.hrtime.bigint() - t) / 1e6);
    await pool(ids.map((id) => () => call(registry, agent, 'DELETE', `/v1/tokens/${id}`)));
  }
  agent.destroy();
  return { apply: summarize(creates).median, plan: summarize(reads).median };
}

interface Workspace {
  dir: string;
  env: NodeJS.ProcessEnv;
  apply: number[];
  plan: number[];
}

/** A Terraform folder of `count` resources of `kind`, initialised. */
function workspace(
  cli: string,
  registry: Registry,
  kind: Kind,
  count: number,
  daemon: BenchDaemon,
  before?: string,
) {
  const dir = mkdtempSync(join(tmpdir(), 'cordum-bench-tf-'));
  writeFileSync(join(dir, 'main.tf'), config(kind, count));
  writeFileSync(join(dir, 'cli.tfrc'), '');
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: join(dir, 'cli.tfrc'),
    CHECKPOINT_DISABLE: '1',
    CORDUM_REGISTRY: registry.url,
    CORDUM_TOKEN: registry.token,
    ...(kind === 'warm' ? daemon.env : COLD_ENV),
  };
  if (kind === 'cordum' || kind === 'warm') {
    spawnSync(process.execPath, [cli, 'provider', 'install', '--dir', dir]);
  }
  // The earlier build's mirror: <plugins>/<host>/<namespace>/<type>/<version>/<os_arch>/launcher.
  if (kind === 'before' && before) {
    const plugins = resolve(dirname(before), '..', '..', '..', '..', '..');
    cpSync(plugins, join(dir, 'terraform.d', 'plugins'), { recursive: true });
  }
  tf(dir, env, 'init');
  const made: Workspace = { dir, env, apply: [], plan: [] };
  return made;
}

/**
 * Median apply and no-op plan of `count` resources of each kind over `runs`
 * fresh states, the kinds taking turns so that they meet the same load.
 */
function applyAndPlan(
  cli: string,
  registry: Registry,
  kinds: Kind[],
  count: number,
  runs: number,
  daemon: BenchDaemon,
  before?: string,
) {
  const spaces = kinds.map((kind) => workspace(cli, registry, kind, count, daemon, before));
  for (let i = 0; i < runs; i += 1) {
    for (const w of spaces) {
      w.apply.push(tf(w.dir, w.env, 'apply', '-auto-approve'));
      w.plan.push(tf(w.dir, w.env, 'plan', '-detailed-exitcode'));
      tf(w.dir, w.env, 'destroy', '-auto-approve');
    }
  }
  for (const w of spaces) rmSync(w.dir, { recursive: true, force: true });
  return spaces.map((w) => ({ apply: summarize(w.apply).median, plan: summarize(w.plan).median }));
}

/**
 * CORDUM_BENCH_PROVIDER_BEFORE names the launcher of an earlier build,
 * installed with that build's `cordum provider install`: its rows run in
 * the same run, interleaved, so before and after meet the same machine load.
 */
/**
 * With `databaseUrl`, the apply table is printed a second time with the
 * registry on that PostgreSQL (the registry's writes are part of every
 * cordum_token row).
 */
export async function runProviderBench(_root: string, cli: string, databaseUrl?: string,
  runs = 5): Promise<void> {
  const before = process.env.CORDUM_BENCH_PROVIDER_BEFORE || undefined;
  const samples = 30;
  const daemon = await startBenchDaemon(cli);
  try {
    printTable(
      `Provider start-up: process start to handshake line (ms, ${samples} runs; ` +
        'cpu: the process\'s CPU time by then)',
      ['what', 'median', 'p90', 'median cpu'],
      await handshakes(cli, samples, daemon, before),
    );
    await applyTable(cli, runs, daemon, { name: 'PGlite', before });
    if (databaseUrl) await applyTable(cli, runs, daemon, { name: 'PostgreSQL', databaseUrl });
  } finally {
    await daemon.stop();
  }
}

interface TableOptions {
  /** The registry's storage, named in the title. */
  name: string;
  databaseUrl?: string;
  before?: string;
}

/** Cold and warm (daemon) rows beside terraform_data, and the registry alone. */
async function applyTable(cli: string, runs: number, daemon: BenchDaemon, o: TableOptions) {
  const { before } = o;
  const registry = await startRegistry(cli, o.databaseUrl);
  try {
    const rows: (string | number)[][] = [];
    for (const count of [1, 50]) {
      const kinds: Kind[] = ['cordum', 'warm', 'builtin', ...(before ? ['before' as const] : [])];
      const [ours, warm, builtin, was] = applyAndPlan(cli, registry, kinds, count, runs, daemon,
        before);
      const ratio = (ms: number) => ms / builtin!.apply;
      rows.push([`cordum_token x${count}`, ours!.apply, ours!.plan, ratio(ours!.apply)]);
      rows.push([`warm (daemon): cordum_token x${count}`, warm!.apply, warm!.plan,
        ratio(warm!.apply)]);
      if (was) rows.push([`before: cordum_token x${count}`, was.apply, was.plan, ratio(was.apply)]);
      rows.push([`terraform_data x${count}`, builtin!.apply, builtin!.plan, 1]);
      const alone = await registryAlone(registry, count, runs);
      rows.push([`(registry alone, x${count} token writes/reads)`, alone.apply, alone.plan, '']);
    }
    printTable(
      `terraform apply and no-op plan, registry on ${o.name} (ms, median of ${runs})`,
      ['resources', 'apply', 'no-op plan', 'apply vs terraform_data'],
      rows,
    );
  } finally {
    registry.stop();
  }
}

/**
 * The Terraform provider, side by side with Terraform's built-in
 * `terraform_data`: time from process start to the handshake line, and
 * `terraform apply` and a no-op `terraform plan` of 1 and 50 resources.
 * Terraform starts several provider processes per command, so start-up is
 * most of the cost. Our resource is `cordum_token` (one registry write
 * each) against a registry started here on loopback.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { makeServerCertificate } from '../provider/plugin/certificate.js';
import { printTable, summarize } from './table.js';

const COOKIE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
const HEAD = `terraform {
  required_providers {
    cordum = { source = "cordum.local/cordum/cordum", version = "0.1.0" }
  }
}
`;

function handshakeOnce(providerJs: string, env: NodeJS.ProcessEnv): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [providerJs], {
      env: { ...env, TF_PLUGIN_MAGIC_COOKIE: COOKIE },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    child.stdout.once('data', () => {
      done(Number(process.hrtime.bigint() - started) / 1e6);
      child.kill('SIGTERM');
    });
    child.on('error', fail);
  });
}

async function handshakes(root: string, runs: number) {
  const providerJs = join(root, 'dist', 'provider.js');
  // Terraform always asks for AutoMTLS; time that, and plaintext beside it.
  const withTls = { PATH: process.env.PATH, PLUGIN_CLIENT_CERT: makeServerCertificate().certPem };
  const tls: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    tls.push(await handshakeOnce(providerJs, withTls));
    plain.push(await handshakeOnce(providerJs, { PATH: process.env.PATH }));
  }
  const baseline: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', 'process.stdout.write("1\\n")']);
    baseline.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { tls: summarize(tls), plain: summarize(plain), node: summarize(baseline) };
}

interface Registry {
  url: string;
  token: string;
  stop(): void;
}

function startRegistry(cli: string): Promise<Registry> {
  const data = mkdtempSync(join(tmpdir(), 'cordum-bench-registry-'));
  const token = `bench_${randomBytes(8).toString('hex')}`;
  const child = spawn(process.execPath, [cli, 'registry', 'serve', '--port', '0', '--data', data], {
    env: { ...process.env, CORDUM_BOOTSTRAP_TOKEN: token, DATABASE_URL: '' },
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

function config(kind: 'cordum' | 'builtin', count: number): string {
  if (kind === 'builtin') {
    return `resource "terraform_data" "r" {\n  count = ${count}\n  input = count.index\n}\n`;
  }
  const body = `  count  = ${count}\n  name   = "bench-\${count.index}"\n  scopes = ["read"]\n`;
  return `${HEAD}resource "cordum_token" "r" {\n${body}}\n`;
}

/** Median apply and no-op plan of `count` resources over `runs` fresh states. */
function applyAndPlan(
  cli: string,
  registry: Registry,
  kind: 'cordum' | 'builtin',
  count: number,
  runs: number,
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
  };
  if (kind === 'cordum') spawnSync(process.execPath, [cli, 'provider', 'install', '--dir', dir]);
  tf(dir, env, 'init');
  const apply: number[] = [];
  const plan: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    apply.push(tf(dir, env, 'apply', '-auto-approve'));
    plan.push(tf(dir, env, 'plan', '-detailed-exitcode'));
    tf(dir, env, 'destroy', '-auto-approve');
  }
  rmSync(dir, { recursive: true, force: true });
  return { apply: summarize(apply).median, plan: summarize(plan).median };
}

export async function runProviderBench(root: string, cli: string, runs = 3): Promise<void> {
  const hs = await handshakes(root, 20);
  printTable(
    'Provider start-up: process start to handshake line (ms, 20 runs)',
    ['what', 'median', 'p99'],
    [
      ['cordum provider, AutoMTLS (as terraform runs it)', hs.tls.median, hs.tls.p99],
      ['cordum provider, plaintext', hs.plain.median, hs.plain.p99],
      ['bare `node -e` for comparison', hs.node.median, hs.node.p99],
    ],
  );

  const registry = await startRegistry(cli);
  try {
    const rows: (string | number)[][] = [];
    for (const count of [1, 50]) {
      const ours = applyAndPlan(cli, registry, 'cordum', count, runs);
      const builtin = applyAndPlan(cli, registry, 'builtin', count, runs);
      rows.push([`cordum_token x${count}`, ours.apply, ours.plan, ours.apply / builtin.apply]);
      rows.push([`terraform_data x${count}`, builtin.apply, builtin.plan, 1]);
    }
    printTable(
      `terraform apply and no-op plan (ms, median of ${runs})`,
      ['resources', 'apply', 'no-op plan', 'apply vs terraform_data'],
      rows,
    );
  } finally {
    registry.stop();
  }
}

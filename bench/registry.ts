/**
 * Registry latencies over real HTTP on loopback: publish (multipart, all
 * checks), resolve of a range, and tarball download, sequentially, for a
 * registry process on PGlite and, when a PostgreSQL URL is given, on it.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundle } from '../packs/bundle/build.js';
import { generateKeyPair } from '../packs/signing/keys.js';
import { signTarball } from '../packs/signing/sign.js';
import { printTable, summarize } from './table.js';

interface Registry {
  url: string;
  stop(): void;
}

function startRegistry(cli: string, token: string, databaseUrl?: string): Promise<Registry> {
  const data = mkdtempSync(join(tmpdir(), 'cordum-bench-'));
  const env: NodeJS.ProcessEnv = { ...process.env, CORDUM_BOOTSTRAP_TOKEN: token };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  const child = spawn(process.execPath, [cli, 'registry', 'serve', '--port', '0', '--data',
    data], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) ok({ url: m[1]!, stop: () => { child.kill(); rmSync(data, { recursive: true,
        force: true }); } });
    });
    child.on('exit', (code) => fail(new Error(`registry exited with ${code}`)));
  });
}

async function timed(fn: () => Promise<Response>): Promise<number> {
  const start = performance.now();
  const res = await fn();
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return performance.now() - start;
}

async function measure(reg: Registry, token: string, root: string, versions: number) {
  const auth = { authorization: `Bearer ${token}` };
  const keys = generateKeyPair();
  await fetch(`${reg.url}/v1/keys`, { method: 'POST', headers: { ...auth,
    'content-type': 'application/json' }, body: JSON.stringify({ public_key: keys.publicPem }) });
  // One pack, many versions: each a rebuilt copy of echo-tools with its own version.
  const publish: number[] = [];
  const built = await Promise.all(Array.from({ length: versions }, async (_, i) =>
    variant(root, i)));
  for (const b of built) {
    const form = new FormData();
    form.set('tarball', new Blob([b.tgz]), 'pack.tgz');
    form.set('bundle', new Blob([JSON.stringify(signTarball(b.tgz, keys.privatePem))]),
      'pack.tgz.sigstore.json');
    publish.push(await timed(() => fetch(`${reg.url}/v1/packs`, { method: 'POST', headers: auth,
      body: form })));
  }
  const resolve: number[] = [];
  const download: number[] = [];
  for (let i = 0; i < 300; i++) {
    resolve.push(await timed(() => fetch(`${reg.url}/v1/packs/bench-pack/resolve?range=%5E1.0.0`,
      { headers: auth })));
    const v = built[i % built.length]!.version;
    download.push(await timed(() => fetch(
      `${reg.url}/v1/packs/bench-pack/versions/${v}/tarball`, { headers: auth })));
  }
  return { publish: summarize(publish), resolve: summarize(resolve),
    download: summarize(download) };
}

/** A copy of the echo-tools pack as `bench-pack` at version 1.0.<i>. */
async function variant(root: string, i: number) {
  const dir = mkdtempSync(join(tmpdir(), 'cordum-bench-pack-'));
  cpSync(join(root, 'examples', 'packs', 'echo-tools'), dir, { recursive: true });
  const rename = (file: string) => writeFileSync(join(dir, file), readFileSync(join(dir, file),
    'utf8').replaceAll('echo-tools', 'bench-pack'));
  for (const f of ['pack.yaml', 'workflows/greet.yaml', 'overlays/policy.fragment.yaml']) {
    rename(f);
  }
  const manifest = readFileSync(join(dir, 'pack.yaml'), 'utf8')
    .replace(/version: 0\.2\.0/, `version: 1.0.${i}`);
  writeFileSync(join(dir, 'pack.yaml'), manifest);
  const { tgz } = await buildBundle(dir);
  rmSync(dir, { recursive: true, force: true });
  return { tgz, version: `1.0.${i}` };
}

export async function runRegistryBench(root: string, cli: string, databaseUrl?: string) {
  const token = `bench-${Date.now()}`;
  const rows: (string | number)[][] = [];
  const backends: [string, string | undefined][] = [['PGlite', undefined]];
  if (databaseUrl) backends.push(['PostgreSQL', databaseUrl]);
  for (const [name, url] of backends) {
    const reg = await startRegistry(cli, token, url);
    try {
      const r = await measure(reg, token, root, 40);
      for (const [op, s] of Object.entries(r)) rows.push([name, op, s.n, s.median, s.p99]);
    } finally {
      reg.stop();
    }
  }
  printTable('Registry latencies, sequential HTTP on loopback (ms)',
    ['storage', 'operation', 'n', 'median', 'p99'], rows);
}

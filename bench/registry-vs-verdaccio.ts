/**
 * Our registry and Verdaccio 6.8 side by side on loopback, serving the same
 * 1,000 pack versions (50 packs of 20 versions, the same tarball bytes on
 * both): metadata GET, tarball GET and range resolve at 10 and 50
 * connections with autocannon (req/s and p99), plus publish latency. Each
 * server runs in its own process; autocannon runs in this one. Reads are
 * anonymous on both (Verdaccio's default `access: $all`; ours with
 * `--anonymous-read`), publishes authenticated on both.
 *
 * While iterating, a shorter run: CORDUM_BENCH_VERDACCIO_SECONDS (a cell's
 * seconds, default 5), CORDUM_BENCH_VERDACCIO_OPS (e.g. `metadata,resolve`),
 * CORDUM_BENCH_VERDACCIO_SERVERS (`cordum` or `verdaccio`) and
 * CORDUM_BENCH_VERDACCIO_NODE_ARGS (extra node flags for our server, such as
 * `--cpu-prof --cpu-prof-dir=/tmp/prof`). Unset, the full run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateKeyPair } from '../packs/signing/keys.js';
import { signTarball } from '../packs/signing/sign.js';
import { printTable, summarize } from './table.js';

const PACKS = 50;
const VERSIONS = 20;
const knob = (name: string) => process.env[`CORDUM_BENCH_VERDACCIO_${name}`]?.trim() || undefined;
const DURATION_S = Number(knob('SECONDS') ?? 5);
const OPS = (knob('OPS')?.split(',') ?? ['metadata', 'tarball', 'resolve']) as Op[];
const SERVERS = knob('SERVERS')?.split(',') ?? ['cordum', 'verdaccio'];
const NODE_ARGS = knob('NODE_ARGS')?.split(/\s+/) ?? [];
type Op = 'metadata' | 'tarball' | 'resolve';
const TOKEN = `bench-${process.pid}`;

interface Cannon {
  requests: { average: number };
  latency: { p99: number; p50: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (o: { url: string; connections: number; duration: number;
  headers?: Record<string, string> }) => Promise<Cannon>;

interface Server {
  url: string;
  child: ChildProcess;
}

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
      const m = pattern.exec(out);
      if (m) ok(m[1]!);
    });
    child.on('exit', (code) => fail(new Error(`server exited with ${code}`)));
  });
}

/** A ustar header + body; enough for the regular files of a pack. */
function tarOf(files: [string, Buffer][]): Buffer {
  const parts: Buffer[] = [];
  for (const [name, body] of files) {
    const h = Buffer.alloc(512);
    h.write(name, 0, 100, 'utf8');
    const octal = (off: number, width: number, v: number) =>
      h.write(`${v.toString(8).padStart(width - 1, '0')}\0`, off, width, 'ascii');
    octal(100, 8, 0o644); octal(108, 8, 0); octal(116, 8, 0); octal(124, 12, body.length);
    octal(136, 12, 946684800);
    h.write('0', 156, 1, 'ascii'); h.write('ustar\0', 257, 6, 'ascii'); h.write('00', 263, 2);
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
    parts.push(h, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  return gzipSync(Buffer.concat([...parts, Buffer.alloc(1024)]));
}

function filesOf(dir: string): [string, string][] {
  const out: [string, string][] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push([relative(dir, p), readFileSync(p, 'utf8')]);
    }
  };
  walk(dir);
  return out;
}

interface Version {
  id: string;
  version: string;
  tgz: Buffer;
}

/** 50 renamed copies of echo-tools at 20 versions each. */
function corpus(root: string): Version[] {
  const files = filesOf(join(root, 'examples', 'packs', 'echo-tools'));
  const out: Version[] = [];
  for (let p = 0; p < PACKS; p++) {
    const id = `bench-pack-${String(p).padStart(3, '0')}`;
    for (let v = 0; v < VERSIONS; v++) {
      const version = `1.${Math.floor(v / 5)}.${v % 5}`;
      const renamed = files.map(([name, text]): [string, Buffer] => {
        let t = text.replaceAll('echo-tools', id);
        if (name === 'pack.yaml') t = t.replace(/^(\s+version:\s*).*$/m, `$1${version}`);
        return [name, Buffer.from(t)];
      });
      out.push({ id, version, tgz: tarOf(renamed) });
    }
  }
  return out;
}

async function timed(fn: () => Promise<Response>): Promise<number> {
  const t0 = performance.now();
  const res = await fn();
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${res.url}`);
  return performance.now() - t0;
}

async function startOurs(root: string, databaseUrl?: string): Promise<Server & { data: string }> {
  const data = mkdtempSync(join(tmpdir(), 'cordum-bench-ours-'));
  const env: NodeJS.ProcessEnv = { ...process.env, CORDUM_BOOTSTRAP_TOKEN: TOKEN };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  const child = spawn(process.execPath, [...NODE_ARGS, join(root, 'bin', 'cordum.js'),
    'registry', 'serve',
    '--port', '0', '--data', data, '--anonymous-read', '--rate-limit-address', '0',
    '--rate-limit-token', '0'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await waitForLine(child, /listening on (http:\/\/\S+)\n/);
  return { url, child, data };
}

const VERDACCIO_MAIN = `
import { runServer } from 'verdaccio';
const [storage, htpasswd] = process.argv.slice(-2);
const app = await runServer({ storage, self_path: storage,
  auth: { htpasswd: { file: htpasswd, max_users: 10 } },
  packages: { '**': { access: '$all', publish: '$authenticated' } },
  uplinks: {}, log: { type: 'stdout', format: 'json', level: 'fatal' },
  max_body_size: '64mb', web: { enable: false }, security: { api: { legacy: true } } });
app.listen(0, '127.0.0.1',
  () => console.log('verdaccio on http://127.0.0.1:' + app.address().port));
`;

async function startVerdaccio(root: string): Promise<Server & { data: string }> {
  const data = mkdtempSync(join(tmpdir(), 'cordum-bench-verdaccio-'));
  writeFileSync(join(data, 'htpasswd'), '');
  const child = spawn(process.execPath, ['--input-type=module', '-e', VERDACCIO_MAIN, '--',
    join(data, 'storage'), join(data, 'htpasswd')], { cwd: root,
    stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await waitForLine(child, /verdaccio on (http:\/\/\S+)\n/);
  return { url, child, data };
}

/** Publishes every version to ours; answers each publish's latency (ms). */
async function seedOurs(url: string, versions: Version[]): Promise<number[]> {
  const auth = { authorization: `Bearer ${TOKEN}` };
  const key = generateKeyPair();
  await fetch(`${url}/v1/keys`, { method: 'POST', headers: { ...auth,
    'content-type': 'application/json' }, body: JSON.stringify({ public_key: key.publicPem }) });
  const times: number[] = [];
  for (const v of versions) {
    const form = new FormData();
    form.set('tarball', new Blob([v.tgz]), 'pack.tgz');
    form.set('bundle', new Blob([JSON.stringify(signTarball(v.tgz, key.privatePem))]), 'b.json');
    times.push(await timed(() => fetch(`${url}/v1/packs`, { method: 'POST', headers: auth,
      body: form })));
  }
  return times;
}

/** npm's publish protocol: PUT /<name> with the version and its tarball inline. */
async function seedVerdaccio(url: string, versions: Version[]): Promise<number[]> {
  const user = await fetch(`${url}/-/user/org.couchdb.user:bench`, { method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', password: 'bench-password' }) });
  const { token } = (await user.json()) as { token: string };
  const times: number[] = [];
  for (const v of versions) {
    const file = `${v.id}-${v.version}.tgz`;
    const shasum = createHash('sha1').update(v.tgz).digest('hex');
    const integrity = `sha512-${createHash('sha512').update(v.tgz).digest('base64')}`;
    const body = { _id: v.id, name: v.id, 'dist-tags': { latest: v.version },
      versions: { [v.version]: { name: v.id, version: v.version,
        dist: { tarball: `${url}/${v.id}/-/${file}`, shasum, integrity } } },
      _attachments: { [file]: { content_type: 'application/octet-stream',
        data: v.tgz.toString('base64'), length: v.tgz.length } } };
    times.push(await timed(() => fetch(`${url}/${v.id}`, { method: 'PUT', headers: {
      authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body) })));
  }
  return times;
}

interface Target {
  name: string;
  url: string;
  paths: { metadata: string; tarball: string; resolve: string };
  headers?: Record<string, string>;
}

async function verdaccioResolvePath(url: string, id: string): Promise<{ path: string;
  note: string }> {
  const res = await fetch(`${url}/${id}/${encodeURIComponent('^1.2.0')}`);
  await res.arrayBuffer();
  return res.ok ? { path: `/${id}/${encodeURIComponent('^1.2.0')}`, note: 'GET /<name>/<range>' }
    : { path: `/${id}`, note: 'abbreviated packument; the client resolves' };
}

async function loadRows(cannon: Autocannon, targets: Target[]) {
  const rows: (string | number)[][] = [];
  for (const op of OPS) {
    for (const connections of [10, 50]) {
      for (const t of targets) {
        const headers = op === 'resolve' && t.headers ? t.headers : {};
        const r = await cannon({ url: `${t.url}${t.paths[op]}`, connections,
          duration: DURATION_S, headers });
        rows.push([op, connections, t.name, Math.round(r.requests.average), r.latency.p50,
          r.latency.p99, r.non2xx + r.errors]);
      }
    }
  }
  return rows;
}

async function stop(servers: (Server & { data: string })[]): Promise<void> {
  for (const s of servers) {
    // Waiting for the exit lets a `--cpu-prof` of ours be written.
    const exited = new Promise((done) => s.child.once('exit', done));
    s.child.kill();
    await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
    rmSync(s.data, { recursive: true, force: true });
  }
}

const ID = 'bench-pack-007';

function oursTarget(url: string): Target {
  return { name: 'cordum', url, paths: { metadata: `/v1/packs/${ID}`,
    tarball: `/v1/packs/${ID}/versions/1.3.4/tarball`,
    resolve: `/v1/packs/${ID}/resolve?range=${encodeURIComponent('^1.2.0')}` } };
}

function verdaccioTarget(url: string, resolve: string): Target {
  return { name: 'verdaccio', url, paths: { metadata: `/${ID}`,
    tarball: `/${ID}/-/${ID}-1.3.4.tgz`, resolve },
  headers: { accept: 'application/vnd.npm.install-v1+json' } };
}

/**
 * The side-by-side run. `root` is the project folder (bin/cordum.js built,
 * node_modules with verdaccio and autocannon). Prints one table.
 */
export async function runRegistryVsVerdaccio(root: string, databaseUrl?: string): Promise<void> {
  // Kept out of the bundle: both load files next to themselves at run time.
  const load = async (name: string): Promise<unknown> => {
    const mod = (await import(name)) as { default?: unknown };
    return mod.default ?? mod;
  };
  const cannon = (await load('autocannon')) as Autocannon;
  const versions = corpus(root);
  const started: (Server & { data: string })[] = [];
  try {
    const targets: Target[] = [];
    const rows: (string | number)[][] = [];
    let note = 'not run';
    if (SERVERS.includes('cordum')) {
      const ours = await startOurs(root, databaseUrl);
      started.push(ours);
      const publish = summarize(await seedOurs(ours.url, versions));
      rows.push(['publish (sequential)', 1, 'cordum', Math.round(1000 / publish.median),
        publish.median, publish.p99, 0]);
      targets.push(oursTarget(ours.url));
    }
    if (SERVERS.includes('verdaccio')) {
      const verdaccio = await startVerdaccio(root);
      started.push(verdaccio);
      const publish = summarize(await seedVerdaccio(verdaccio.url, versions));
      rows.push(['publish (sequential)', 1, 'verdaccio', Math.round(1000 / publish.median),
        publish.median, publish.p99, 0]);
      const resolve = await verdaccioResolvePath(verdaccio.url, ID);
      note = resolve.note;
      targets.push(verdaccioTarget(verdaccio.url, resolve.path));
    }
    // Loads first, publishes last: the table's order since the first run.
    rows.unshift(...await loadRows(cannon, targets));
    const storage = databaseUrl ? 'PostgreSQL' : 'PGlite';
    printTable(`Registry vs Verdaccio 6.8, ${versions.length} versions on loopback ` +
      `(${DURATION_S} s a cell; cordum on ${storage}; Verdaccio resolve: ${note})`,
    ['operation', 'connections', 'server', 'req/s', 'p50 ms', 'p99 ms', 'errors'], rows);
  } finally {
    await stop(started);
  }
}

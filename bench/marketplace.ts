/**
 * The marketplace with 1,000 packs loaded: how long the home page and pack
 * pages take to render from a cold cache (a registry process just started,
 * each pack page its first view), and how much the home page weighs
 * compressed (HTML, stylesheet and script). Goals (issue 6): under 200 ms,
 * under 200 KB. Packs are variants of examples/packs/ops-guard, each with
 * its own id, words, risk tags, licence and one of 20 publishers.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundle } from '../packs/bundle/build.js';
import { generateKeyPair, type KeyPair } from '../packs/signing/keys.js';
import { signTarball } from '../packs/signing/sign.js';
import { printTable, summarize } from './table.js';

const PACKS = 1000;
const PUBLISHERS = 20;
const COLD_PACK_VIEWS = 60;
const WORDS = ['deploy', 'billing', 'incident', 'kubernetes', 'ledger', 'search', 'vault',
  'metrics', 'mail', 'tickets', 'storage', 'backup', 'audit', 'queue', 'cache', 'dns'];
const LICENSES = ['Apache-2.0', 'MIT', 'BUSL-1.1', 'MPL-2.0'];
const RISKS = ['[write, prod]', '[write, pii]', '[write, finance]', '[write, external]'];

interface Running {
  url: string;
  stop(): Promise<void>;
}

function startRegistry(cli: string, data: string, token: string, databaseUrl?: string):
  Promise<Running> {
  const env: NodeJS.ProcessEnv = { ...process.env, CORDUM_BOOTSTRAP_TOKEN: token };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  const child = spawn(process.execPath, [cli, 'registry', 'serve', '--port', '0', '--data', data],
    { env, stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) ok({ url: m[1]!, stop: async () => { child.kill('SIGTERM'); await exited; } });
    });
    child.once('exit', (code) => fail(new Error(`registry exited with ${code}`)));
  });
}

/** Variant `i` of ops-guard as a folder (a fresh id, words, risks and licence). */
function variant(root: string, i: number): { dir: string; id: string } {
  const id = `${WORDS[i % WORDS.length]}-${WORDS[(i * 7) % WORDS.length]}-${i}`;
  const dir = join(mkdtempSync(join(tmpdir(), 'cordum-mpbench-')), id);
  cpSync(join(root, 'examples', 'packs', 'ops-guard'), dir, { recursive: true });
  const files = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(d, e.name)) : [join(d, e.name)]);
  for (const file of files(dir)) {
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('ops-guard', id));
  }
  const manifest = join(dir, 'pack.yaml');
  writeFileSync(manifest, readFileSync(manifest, 'utf8')
    .replace('title: Ops Guard', `title: ${WORDS[i % WORDS.length]} guard ${i}`)
    .replace('license: Apache-2.0', `license: ${LICENSES[i % LICENSES.length]}`)
    .replace('riskTags: [write, prod]', `riskTags: ${RISKS[i % RISKS.length]}`)
    .replace('Release and clean-up', `${WORDS[(i * 3) % WORDS.length]} release and clean-up`));
  return { dir, id };
}

/** Publishes variant `i` to a registry (its signing keys are registered first). */
type Publisher = (url: string, i: number) => Promise<string>;

async function publisherFor(url: string, token: string, root: string): Promise<Publisher> {
  const auth = { authorization: `Bearer ${token}` };
  const keys: KeyPair[] = [];
  for (let p = 0; p < PUBLISHERS; p++) {
    const key = generateKeyPair();
    await fetch(`${url}/v1/keys`, { method: 'POST', headers: { ...auth,
      'content-type': 'application/json' },
    body: JSON.stringify({ public_key: key.publicPem, publisher: `publisher-${p}` }) });
    keys.push(key);
  }
  return async (target, i) => {
    const { dir, id } = variant(root, i);
    const { tgz } = await buildBundle(dir);
    rmSync(dir, { recursive: true, force: true });
    const form = new FormData();
    form.set('tarball', new Blob([tgz]), 'pack.tgz');
    form.set('bundle', new Blob([JSON.stringify(signTarball(tgz, keys[i % PUBLISHERS]!
      .privatePem))]), 'pack.tgz.sigstore.json');
    form.set('publisher', `publisher-${i % PUBLISHERS}`);
    const res = await fetch(`${target}/v1/packs`, { method: 'POST', headers: auth, body: form });
    if (res.status !== 201) {
      throw new Error(`publish ${id}: HTTP ${res.status} ${await res.text()}`);
    }
    return id;
  };
}

async function publishAll(url: string, publish: Publisher): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < PACKS) ids.push(await publish(url, next++));
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return ids.sort();
}

/** One GET: time to the last byte, and the bytes as sent (compressed when asked). */
function get(url: string, token: string, encoding = 'identity'):
  Promise<{ ms: number; bytes: number; status: number }> {
  const start = performance.now();
  return new Promise((ok, fail) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}`,
      'accept-encoding': encoding } }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => ok({ ms: performance.now() - start, bytes,
        status: res.statusCode ?? 0 }));
    });
    req.on('error', fail);
    req.end();
  });
}

async function measure(reg: Running, token: string, ids: string[], publish: Publisher) {
  const page = async (path: string, encoding?: string) => {
    const r = await get(`${reg.url}${path}`, token, encoding);
    if (r.status !== 200) throw new Error(`GET ${path}: HTTP ${r.status}`);
    return r;
  };
  const coldHome = (await page('/marketplace/')).ms;
  const warmHome = [];
  for (let i = 0; i < 20; i++) warmHome.push((await page('/marketplace/')).ms);
  // A publish changes the catalogue, so the next home page computes its facets afresh.
  const afterPublish = [];
  for (let i = 0; i < 10; i++) {
    await publish(reg.url, PACKS + i);
    afterPublish.push((await page('/marketplace/')).ms);
  }
  const searches = [];
  for (let i = 0; i < 20; i++) {
    searches.push((await page(`/marketplace/?q=${WORDS[i % WORDS.length]}&risk=write`)).ms);
  }
  // Each pack page here is that pack's first view in this process: nothing of it is cached.
  const coldPacks = [];
  for (let i = 0; i < COLD_PACK_VIEWS; i++) {
    coldPacks.push((await page(`/marketplace/packs/${ids[(i * 16) % ids.length]}`)).ms);
  }
  const warmPacks = [];
  for (let i = 0; i < 20; i++) warmPacks.push((await page(`/marketplace/packs/${ids[0]}`)).ms);
  return { coldHome, warmHome: summarize(warmHome), afterPublish: summarize(afterPublish),
    searches: summarize(searches), firstPack: coldPacks[0]!,
    coldPacks: summarize(coldPacks.slice(1)),
    warmPacks: summarize(warmPacks) };
}

/** Home page weight: the HTML and the assets it links, as sent with gzip and with br. */
async function weight(reg: Running, token: string) {
  const res = await fetch(`${reg.url}/marketplace/`, { headers: { authorization:
    `Bearer ${token}` } });
  const text = await res.text();
  const assets = [...text.matchAll(/(?:href|src)="(\/marketplace\/assets\/[^"]+)"/g)]
    .map((m) => m[1]!);
  const out: Record<string, number> = {};
  for (const encoding of ['identity', 'gzip', 'br']) {
    let total = 0;
    for (const path of ['/marketplace/', ...assets]) {
      total += (await get(`${reg.url}${path}`, token, encoding)).bytes;
    }
    out[encoding] = total;
  }
  return out;
}

export async function runMarketplaceBench(root: string, cli: string, databaseUrl?: string) {
  const token = `bench-${Date.now()}`;
  const rows: (string | number)[][] = [];
  const sizes: (string | number)[][] = [];
  const backends: [string, string | undefined][] = [['PGlite', undefined]];
  if (databaseUrl) backends.push(['PostgreSQL', databaseUrl]);
  for (const [name, url] of backends) {
    const data = mkdtempSync(join(tmpdir(), 'cordum-mpbench-data-'));
    try {
      const loading = await startRegistry(cli, data, token, url);
      const publish = await publisherFor(loading.url, token, root);
      const ids = await publishAll(loading.url, publish).finally(() => loading.stop());
      // A fresh process: no page, query plan or pack of it has been seen.
      const reg = await startRegistry(cli, data, token, url);
      try {
        const m = await measure(reg, token, ids, publish);
        rows.push([name, 'home, first request after start', 1, m.coldHome, m.coldHome]);
        rows.push([name, 'home', m.warmHome.n, m.warmHome.median, m.warmHome.p99]);
        rows.push([name, 'home, first after a publish (cold facets)', m.afterPublish.n,
          m.afterPublish.median, m.afterPublish.p99]);
        rows.push([name, 'search + filter', m.searches.n, m.searches.median, m.searches.p99]);
        rows.push([name, 'pack page, first request after start', 1, m.firstPack, m.firstPack]);
        rows.push([name, 'pack page, first view (cold)', m.coldPacks.n, m.coldPacks.median,
          m.coldPacks.p99]);
        rows.push([name, 'pack page, cached', m.warmPacks.n, m.warmPacks.median,
          m.warmPacks.p99]);
        const w = await weight(reg, token);
        sizes.push([name, w.identity!, w.gzip!, w.br!]);
      } finally {
        await reg.stop();
      }
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }
  printTable(`Marketplace pages with ${PACKS} packs, sequential HTTP on loopback (ms; goal < 200)`,
    ['storage', 'page', 'n', 'median', 'p99'], rows);
  printTable('Marketplace home page weight: HTML + CSS + JS (bytes; goal < 200 KB compressed)',
    ['storage', 'uncompressed', 'gzip', 'br'], sizes);
}

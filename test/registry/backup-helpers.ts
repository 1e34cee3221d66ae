/**
 * Registries for the backup suites: a source filled with every kind of
 * state a restore must bring back (tokens, members, a private pack,
 * dist-tags, a deprecation, a deployment with a policy bundle, a
 * collection, a verified publisher, downloads, an npm package, upstream
 * log evidence, audit rows), and a target that shares its log key.
 */
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RegistryClient } from '../../packs/client/registry.js';
import { checkInclusion } from '../../packs/tlog/check.js';
import { sha256Hex } from '../../packs/digest.js';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { downloadCountsOf } from '../../registry/hardening/download-counts.js';
import { fixedClock } from '../../registry/clock.js';
import { silentLogger } from '../../registry/log.js';
import { startRegistryServer } from '../../registry/server.js';
import { createToken } from '../../registry/store/tokens.js';
import { openRegistryServices, type RegistryServices } from '../../registry/wiring.js';
import type { Backend } from '../helpers/databases.js';
import { ADMIN_TOKEN, signedFixture } from './helpers.js';

export interface Served {
  url: string;
  dataDir: string;
  services: RegistryServices;
  close(): Promise<void>;
}

/** A registry on a fresh database; with `logKeyOf`, signing with that registry's log key. */
export async function serve(backend: Backend, logKeyOf?: string): Promise<Served> {
  const db = await backend.fresh();
  if (logKeyOf) copyFileSync(join(logKeyOf, 'log-key.pem'), join(db.dataDir, 'log-key.pem'));
  const services = await openRegistryServices({ dataDir: db.dataDir,
    ...(db.url ? { databaseUrl: db.url } : {}), bootstrapToken: ADMIN_TOKEN, log: silentLogger,
    clock: fixedClock(new Date('2025-01-02T03:04:05.000Z')) });
  const running = await startRegistryServer(services, { port: 0, host: '127.0.0.1' });
  return { url: running.url, dataDir: db.dataDir, services, async close() {
    await running.close(1000);
    rmSync(db.dataDir, { recursive: true, force: true });
  } };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

export async function call(url: string, token: string | null, method: string, path: string,
  body?: unknown): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${url}${path}`, { method, headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  // Problem answers carry a fresh request id, links the registry's address; the rest must match.
  const text = (await res.text()).replace(UUID, '<uuid>').replaceAll(url, '<registry>');
  return { status: res.status, text };
}

async function ok(url: string, token: string, method: string, path: string, body?: unknown) {
  const res = await call(url, token, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
  return res.text === '' ? {} : (JSON.parse(res.text) as Record<string, unknown>);
}

export interface Tokens {
  acme: string;
  acmeId: string;
  carol: string;
  outsider: string;
}

/** acme publishes a private hello-pack, default publishes slack; then every other kind. */
export async function fill(reg: Served): Promise<Tokens> {
  const { url } = reg;
  const now = new Date('2025-01-02T03:04:05.000Z');
  const db = reg.services.db;
  const made = await createToken(db, { publisher: 'acme', scopes: ['publish', 'keys'] }, now);
  const outsider = (await createToken(db, { publisher: 'other', scopes: ['read'] }, now)).secret;
  const acmeKey = generateKeyPair();
  const adminKey = generateKeyPair();
  await ok(url, made.secret, 'POST', '/v1/keys', { public_key: acmeKey.publicPem });
  await ok(url, ADMIN_TOKEN, 'POST', '/v1/keys', { public_key: adminKey.publicPem });
  for (const version of ['0.1.0', '0.2.0']) await publish(url, made.secret,
    await signedFixture('hello-pack', acmeKey, { version }));
  const slack = await signedFixture('slack', adminKey);
  await publish(url, ADMIN_TOKEN, slack);

  await ok(url, made.secret, 'PUT', '/v1/packs/hello-pack/visibility', { private: true });
  await ok(url, made.secret, 'PUT', '/v1/publishers/acme/members/carol', { role: 'reader' });
  const carol = (await ok(url, made.secret, 'POST', '/v1/publishers/acme/members/carol/tokens',
    { name: 'carol', scopes: ['read'] })).token as string;
  await ok(url, made.secret, 'PUT', '/v1/packs/hello-pack/dist-tags/stable', { version: '0.1.0' });
  await ok(url, ADMIN_TOKEN, 'PUT', '/v1/packs/slack/versions/0.1.0/deprecation',
    { message: 'use 0.2 when it ships' });
  await ok(url, ADMIN_TOKEN, 'PUT', '/v1/deployments/prod', { description: 'production',
    packs: [{ id: 'slack', range: '^0.1.0' }] });
  await ok(url, ADMIN_TOKEN, 'PUT', '/v1/deployments/prod/policy-bundles/ops', { fragment:
    { version: 'v1', rules: [{ id: 'r1', match: { topics: ['job.x'] }, decision: 'deny' }] } });
  await ok(url, ADMIN_TOKEN, 'PUT', '/v1/marketplace/collections/featured', { title: 'Featured',
    description: 'Packs we like.', position: 1, packs: ['slack', 'hello-pack'] });
  await ok(url, ADMIN_TOKEN, 'PUT', '/v1/marketplace/publishers/acme/verification',
    { note: 'checked' });
  for (let i = 0; i < 3; i++) await ok(url, ADMIN_TOKEN, 'GET', '/v1/packs/slack/versions/0.1.0');
  for (let i = 0; i < 2; i++) {
    await fetch(`${url}/v1/packs/slack/versions/0.1.0/tarball`,
      { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then((r) => r.arrayBuffer());
  }
  await fetch(`${url}/npm/@cordum-packs/slack/-/slack-0.1.0.tgz`,
    { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then((r) => r.arrayBuffer());
  await putUpstream(reg, sha256Hex(slack.tgz));
  // Counted downloads reach the table within a second; written now, they are in every answer.
  await downloadCountsOf(db).flush();
  return { acme: made.secret, acmeId: made.id, carol, outsider };
}

async function publish(url: string, token: string, pack: { tgz: Buffer; bundle: object }) {
  const form = new FormData();
  form.append('tarball', new Blob([pack.tgz]), 'p.tgz');
  form.append('bundle', new Blob([JSON.stringify(pack.bundle)]), 'p.tgz.sigstore.json');
  const res = await fetch(`${url}/v1/packs`, { method: 'POST', body: form,
    headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 201) throw new Error(`publish: ${res.status} ${await res.text()}`);
}

/** Evidence of slack's publish, proved from this registry's own log, as a mirror would hold it. */
async function putUpstream(reg: Served, sha256: string) {
  const client = new RegistryClient({ url: reg.url, token: ADMIN_TOKEN });
  const logKey = await client.logKey();
  const proved = await checkInclusion(client, { sha256, logKeyPem: logKey.public_key });
  await ok(reg.url, ADMIN_TOKEN, 'PUT', '/v1/packs/slack/versions/0.1.0/log/upstream', {
    source: 'https://source.example.com',
    log_key: { key_id: logKey.key_id, public_key: logKey.public_key, origin: logKey.origin },
    entry: { index: proved.index, body: proved.body }, audit_path: proved.audit_path,
    tree_head: proved.head });
}

/** The answers a restore must reproduce, each as status and body. */
export async function answers(url: string, t: Tokens) {
  const reads: [string, string | null, string][] = [
    ['catalog', ADMIN_TOKEN, '/v1/catalog.json'],
    ['packs', ADMIN_TOKEN, '/v1/packs'],
    ['private pack, member', t.carol, '/v1/packs/hello-pack'],
    ['private resolve, member', t.carol, '/v1/packs/hello-pack/resolve?range=^0.1'],
    ['private resolve, owner', t.acme, '/v1/packs/hello-pack/resolve?range=^0.1'],
    ['private resolve, outsider', t.outsider, '/v1/packs/hello-pack/resolve?range=^0.1'],
    ['private resolve, no token', null, '/v1/packs/hello-pack/resolve?range=^0.1'],
    ['dist-tag resolve', t.carol, '/v1/packs/hello-pack/resolve?range=stable'],
    ['dist-tags', t.acme, '/v1/packs/hello-pack/dist-tags'],
    ['deprecation', ADMIN_TOKEN, '/v1/packs/slack/versions/0.1.0/deprecation'],
    ['members', ADMIN_TOKEN, '/v1/publishers/acme/members'],
    ['token', ADMIN_TOKEN, `/v1/tokens/${t.acmeId}`],
    ['keys', ADMIN_TOKEN, '/v1/keys'],
    ['deployment', ADMIN_TOKEN, '/v1/deployments/prod'],
    ['deployments', ADMIN_TOKEN, '/v1/deployments'],
    ['policy bundle', ADMIN_TOKEN, '/v1/deployments/prod/policy-bundles/ops'],
    ['collections', ADMIN_TOKEN, '/v1/marketplace/collections'],
    ['verified', ADMIN_TOKEN, '/v1/marketplace/publishers/verified'],
    ['most installed', ADMIN_TOKEN, '/v1/marketplace/search?sort=installs'],
    ['upstream', ADMIN_TOKEN, '/v1/packs/slack/versions/0.1.0/log/upstream'],
    ['npm packument', ADMIN_TOKEN, '/npm/@cordum-packs%2fslack'],
    ['tree head', ADMIN_TOKEN, '/v1/log/tree-head'],
    ['log entries', ADMIN_TOKEN, '/v1/log/entries?start=0&end=100'],
  ];
  const out: Record<string, { status: number; text: string }> = {};
  for (const [name, token, path] of reads) out[name] = await call(url, token, 'GET', path);
  return out;
}

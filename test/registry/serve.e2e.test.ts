/**
 * The real `cordum registry serve` process on a free loopback port, driven
 * through the real CLI (`registry key add`, `pack publish`), on PGlite and
 * on PostgreSQL (DATABASE_URL).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type Backend } from '../helpers/databases.js';
import { CLI, ROOT, cordum, json } from '../helpers/cli.js';
import { sha256Hex } from '../../packs/digest.js';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { signedFixture } from './helpers.js';

interface Served {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const TOKEN = 'e2e-bootstrap-token';

function serve(db: { url?: string; dataDir: string }, token = TOKEN): Promise<Served> {
  const env: NodeJS.ProcessEnv = { ...process.env, CORDUM_BOOTSTRAP_TOKEN: token };
  if (db.url) env.DATABASE_URL = db.url;
  else delete env.DATABASE_URL;
  const child = spawn(process.execPath, [CLI, 'registry', 'serve', '--port', '0',
    '--host', '127.0.0.1', '--data', db.dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c) => (err += c));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no listening line in 60 s:\n${err}`)), 60_000);
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /^Cordum registry listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({ child, url: m[1]!, stdout: () => out, stderr: () => err, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`registry exited with ${code}:\n${err}`));
    });
  });
}

async function stop(served: Served): Promise<number | null> {
  if (served.child.exitCode === null) served.child.kill('SIGTERM');
  return served.exited;
}

describe('cordum registry serve --port', () => {
  it.each(['', '0x50', '80.0', '1e3', '-1', '65536'])(
    'refuses "%s" as engine serve does, before the data folder is made', async (port) => {
      const data = join(mkdtempSync(join(tmpdir(), 'cordum-reg-port-')), 'never-made');
      // A port taken as valid would start a server: the timeout stops it.
      const r = spawnSync(process.execPath, [CLI, 'registry', 'serve', '--port', port, '--data',
        data], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^error\[usage\]: --port must be (a whole number|from 0 to 65535)/);
      expect(existsSync(data)).toBe(false);
    });

  it('says its port is taken before it makes a database', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = String((taken.address() as AddressInfo).port);
    const data = join(mkdtempSync(join(tmpdir(), 'cordum-reg-port-')), 'never-made');
    try {
      const r = spawnSync(process.execPath, [CLI, 'registry', 'serve', '--port', port, '--data',
        data], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`error[port_in_use]: the address 127.0.0.1:${port} is in use`);
      expect(existsSync(data)).toBe(false);
    } finally {
      taken.close();
    }
  });

  it('says its --host is not this machine\'s before it makes a database, with --port 0 too', () => {
    // 192.0.2.1 (TEST-NET-1) is no address of this machine: the bind fails here, no packet sent.
    const data = join(mkdtempSync(join(tmpdir(), 'cordum-reg-host-')), 'never-made');
    const r = spawnSync(process.execPath, [CLI, 'registry', 'serve', '--host', '192.0.2.1',
      '--port', '0', '--data', data], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).toMatch(/^error\[address_unavailable\]: the address 192\.0\.2\.1 is not/);
    expect(r.status).toBe(1);
    expect(existsSync(data)).toBe(false);
  });

  it('refuses an empty --host as engine serve does, before the data folder is made', async () => {
    // Node listens on every interface for an empty host. The port is held on loopback, so
    // a registry that took "" would stop at the port check, never on every interface.
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = String((taken.address() as AddressInfo).port);
    const data = join(mkdtempSync(join(tmpdir(), 'cordum-reg-host-')), 'never-made');
    try {
      const r = spawnSync(process.execPath, [CLI, 'registry', 'serve', '--host', '', '--port',
        port, '--data', data], { encoding: 'utf8', timeout: 20_000 });
      expect(r.stderr).toMatch(/^error\[usage\]: --host must name the address to listen on/);
      expect(r.status).toBe(2);
      expect(existsSync(data)).toBe(false);
    } finally {
      taken.close();
    }
  });
});

describe.each(backends())('cordum registry serve ($name)', (backend: Backend) => {
  let db: { url?: string; dataDir: string };
  let served: Served;
  let bootstrapId = '';
  const work = mkdtempSync(join(tmpdir(), 'cordum-reg-e2e-'));
  const key = generateKeyPair();

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'cordum.js'))) {
      throw new Error('dist/cordum.js is missing: run `npm run build` before the e2e suites');
    }
    db = await backend.fresh();
    served = await serve(db);
  });
  afterAll(async () => {
    if (served) await stop(served);
    rmSync(work, { recursive: true, force: true });
    if (db) rmSync(db.dataDir, { recursive: true, force: true });
  });

  it('registers a key and publishes through the CLI, refusing a re-publish', async () => {
    writeFileSync(join(work, 'cordum.pub'), key.publicPem);
    const env = { CORDUM_REGISTRY: served.url, CORDUM_TOKEN: TOKEN };
    const added = json(await cordum(['registry', 'key', 'add', join(work, 'cordum.pub'),
      '--json'], { env }));
    expect(added).toEqual({ key_id: key.keyId, publisher: 'default' });

    const pack = await signedFixture('hello-pack', key);
    const tgz = join(work, 'hello-pack-0.1.0.tgz');
    writeFileSync(tgz, pack.tgz);
    writeFileSync(`${tgz}.sigstore.json`, JSON.stringify(pack.bundle));
    const flags = ['--registry', served.url, '--token', TOKEN];
    const published = json(await cordum(['pack', 'publish', tgz, ...flags, '--json']));
    expect(published).toMatchObject({ id: 'hello-pack', version: '0.1.0',
      sha256: sha256Hex(pack.tgz), key_id: key.keyId,
      tarball_url: `${served.url}/v1/packs/hello-pack/versions/0.1.0/tarball` });

    const again = await cordum(['pack', 'publish', tgz, ...flags]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error\[version_exists\]: hello-pack@0\.1\.0 is already/m);
    // Unsigned: the message says how to sign.
    const unsigned = join(work, 'unsigned-0.1.0.tgz');
    writeFileSync(unsigned, pack.tgz);
    const notSigned = await cordum(['pack', 'publish', unsigned, ...flags]);
    expect(notSigned.code).toBe(1);
    expect(notSigned.stderr).toContain(`error[signature_missing]: signature bundle ${unsigned}` +
      `.sigstore.json: not found; sign the tarball first: cordum pack sign ${unsigned} --key`);
    // Without a token, the message says how to give one.
    const anonymous = await cordum(['pack', 'publish', tgz, '--registry', served.url],
      { env: { CORDUM_TOKEN: '' } });
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toContain(`(registry ${served.url}: give one with --token or ` +
      'CORDUM_TOKEN)\n');

    const res = await fetch(`${served.url}/v1/catalog.json`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const catalog = (await res.json()) as { packs: { id: string; sha256: string }[] };
    expect(catalog.packs.map((p) => [p.id, p.sha256])).toEqual([
      ['hello-pack', sha256Hex(pack.tgz)],
    ]);
  });

  it('says why a download under the registry\'s own address got no token', async () => {
    // Reached as localhost, the registry hands out URLs under 127.0.0.1 (its public URL).
    const other = served.url.replace('127.0.0.1', 'localhost');
    const project = mkdtempSync(join(work, 'project-'));
    const r = await cordum(['pack', 'install', 'hello-pack@0.1.0', '--registry', other,
      '--token', TOKEN, '--project', project]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`(the token was not sent: ${served.url} is not the origin of ` +
      `registry ${other}; if both are this registry, reach it at ${served.url} or start it ` +
      `with --public-url ${other})`);
  });

  it('refuses to send a private key, before any request', async () => {
    writeFileSync(join(work, 'cordum.key'), key.privatePem);
    // An address nothing listens on: the refusal must come first, not registry_unreachable.
    const r = await cordum(['registry', 'key', 'add', join(work, 'cordum.key'),
      '--registry', 'http://127.0.0.1:9', '--token', TOKEN]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[key_invalid\]: public key .*cordum\.key: is a private key/m);
  });

  it('reports an unreachable registry with a stable code', async () => {
    const r = await cordum(['registry', 'key', 'add', join(work, 'cordum.pub'),
      '--registry', 'http://127.0.0.1:9', '--token', TOKEN]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[registry_unreachable\]/m);
  });

  it('prints one line on stdout, JSON logs on stderr, and stops cleanly on SIGTERM', async () => {
    expect(await stop(served)).toBe(0);
    expect(served.stdout()).toBe(`Cordum registry listening on ${served.url}\n`);
    const lines = served.stderr().trim().split('\n');
    const logs = lines.map((l) => JSON.parse(l) as { msg: string; level: string; id?: string });
    expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining([
      'opening database', 'database ready', 'bootstrap token created', 'pack published',
      'shutting down', 'stopped',
    ]));
    expect(served.stderr()).not.toContain(TOKEN);
    // Its id, to revoke it by once another replaces it.
    bootstrapId = logs.find((l) => l.msg === 'bootstrap token created')?.id ?? '';
    expect(bootstrapId).toMatch(/\S/);
  });

  it('starts again on the same data, keeping packs and the bootstrap token', async () => {
    served = await serve(db);
    const res = await fetch(`${served.url}/v1/packs/hello-pack`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { latest: string }).latest).toBe('0.1.0');
    expect(served.stderr()).toContain('bootstrap token already stored');
    expect(served.stderr()).toContain(`"id":"${bootstrapId}"`);
    const tokens = served.stderr().match(/"bootstrap token/g) ?? [];
    expect(tokens).toHaveLength(1);
    expect(served.stderr()).not.toContain('a new PGlite database');
    expect(served.stderr()).not.toContain('no token exists');
  });

  it('warns when no token exists and none is given, since nobody could authenticate', async () => {
    const empty = await serve(await backend.fresh(), '');
    expect(await stop(empty)).toBe(0);
    expect(empty.stderr()).toContain('"level":"warn","msg":"no token exists and no ' +
      'CORDUM_BOOTSTRAP_TOKEN was given');
  });
});

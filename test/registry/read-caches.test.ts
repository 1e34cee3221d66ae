/**
 * The caches on the read paths (registry/hardening/auth-cache.ts,
 * download-counts.ts, the blob store's verified bytes) never outlive the
 * facts they hold: a revoked token, a pack made private and a blob changed
 * on disk act on the next request, here and in a second registry on the
 * same database.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { sha256Hex } from '../../packs/digest.js';
import { GenerationMemo, MAX_AGE_MS } from '../../registry/hardening/auth-cache.js';
import { downloadCountsOf, FLUSH_MS } from '../../registry/hardening/download-counts.js';
import type Koa from 'koa';
import {
  currentGeneration, GENERATION_TTL_MS, invalidateOnWrite,
} from '../../registry/hardening/read-cache.js';
import { openDatabase, type Queryable } from '../../storage/database.js';
import { migrate } from '../../storage/migrate.js';
import { REGISTRY_COMPONENT, registryMigrations } from '../../registry/migrations.js';
import { versionDownloads } from '../../registry/marketplace/store/downloads.js';
import { jsonLogger } from '../../registry/log.js';
import { fixedClock } from '../../registry/clock.js';
import { startRegistryServer, type RunningRegistry } from '../../registry/server.js';
import { createToken } from '../../registry/store/tokens.js';
import { openRegistryServices } from '../../registry/wiring.js';
import {
  ADMIN_TOKEN, raw, readProblem, registeredKey, signedFixture, startTestRegistry, type SignedPack,
  type TestRegistry,
} from './helpers.js';

const TARBALL = '/v1/packs/hello-pack/versions/0.1.0/tarball';

describe.each(backends())('read caches ($name)', (backend) => {
  let reg: TestRegistry;
  let hello: SignedPack;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    hello = await signedFixture('hello-pack', await registeredKey(reg));
    await reg.admin.publish(hello.tgz, hello.bundle);
  });
  afterAll(async () => {
    await reg?.close();
  });

  async function readToken(): Promise<{ id: string; secret: string }> {
    const made = await createToken(reg.services.db, { publisher: 'default', scopes: ['read'] },
      reg.clock.now());
    return { id: made.id, secret: made.secret };
  }

  it('refuses a revoked token on the very next request', async () => {
    const token = await readToken();
    for (let i = 0; i < 3; i++) {
      expect((await raw(reg, '/v1/packs/hello-pack', {}, token.secret)).status).toBe(200);
    }
    expect((await raw(reg, `/v1/tokens/${token.id}`, { method: 'DELETE' })).status).toBe(204);
    const res = await raw(reg, '/v1/packs/hello-pack', {}, token.secret);
    expect(res.status).toBe(401);
    expect(await readProblem(res)).toMatchObject({ code: 'token_invalid',
      detail: 'the token has been revoked' });
  });

  it('hides a pack made private from the next anonymous-looking read', async () => {
    const token = await readToken();
    await raw(reg, '/v1/publishers/other/members/carol', { method: 'PUT',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'owner' }) });
    const outsider = await createToken(reg.services.db, { publisher: 'other', scopes: ['read'],
      subject: 'carol' }, reg.clock.now());
    expect((await raw(reg, '/v1/packs/hello-pack', {}, outsider.secret)).status).toBe(200);
    expect((await raw(reg, TARBALL, {}, outsider.secret)).status).toBe(200);

    const hide = await raw(reg, '/v1/packs/hello-pack/visibility', { method: 'PUT',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify({ private: true }) });
    expect(hide.status).toBe(200);
    const meta = await raw(reg, '/v1/packs/hello-pack', {}, outsider.secret);
    expect(meta.status).toBe(404);
    expect(await readProblem(meta)).toMatchObject({ code: 'pack_not_found' });
    expect((await raw(reg, TARBALL, {}, outsider.secret)).status).toBe(404);
    // Its own publisher's reader still sees it.
    expect((await raw(reg, '/v1/packs/hello-pack', {}, token.secret)).status).toBe(200);

    await raw(reg, '/v1/packs/hello-pack/visibility', { method: 'PUT',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify({ private: false }) });
    expect((await raw(reg, '/v1/packs/hello-pack', {}, outsider.secret)).status).toBe(200);
  });

  it('forgets a removed member\'s roles on the next request', async () => {
    const json = { 'content-type': 'application/json' };
    const member = '/v1/publishers/default/members/dave';
    expect((await raw(reg, member, { method: 'PUT', headers: json,
      body: JSON.stringify({ role: 'reader' }) })).status).toBe(200);
    const dave = await createToken(reg.services.db, { publisher: 'default', scopes: ['read'],
      subject: 'dave' }, reg.clock.now());
    await raw(reg, '/v1/packs/hello-pack/visibility', { method: 'PUT', headers: json,
      body: JSON.stringify({ private: true }) });
    try {
      expect((await raw(reg, '/v1/packs/hello-pack', {}, dave.secret)).status).toBe(200);
      expect((await raw(reg, member, { method: 'DELETE' })).status).toBe(204);
      expect((await raw(reg, '/v1/packs/hello-pack', {}, dave.secret)).status).toBe(404);
    } finally {
      await raw(reg, '/v1/packs/hello-pack/visibility', { method: 'PUT', headers: json,
        body: JSON.stringify({ private: false }) });
    }
  });

  it('counts downloads in memory and writes them in one batch', async () => {
    const counts = downloadCountsOf(reg.services.db);
    await counts.flush();
    const before = (await versionDownloads(reg.services.db, 'hello-pack')).get('0.1.0') ?? 0;
    const started = performance.now();
    for (let i = 0; i < 5; i++) {
      const res = await raw(reg, TARBALL);
      expect(sha256Hex(Buffer.from(await res.arrayBuffer()))).toBe(sha256Hex(hello.tgz));
    }
    // Not written yet (unless a slow machine took FLUSH_MS): one batch later, or at close.
    const written = (await versionDownloads(reg.services.db, 'hello-pack')).get('0.1.0') ?? 0;
    if (performance.now() - started < FLUSH_MS) expect(written).toBe(before);
    await downloadCountsOf(reg.services.db).flush();
    expect((await versionDownloads(reg.services.db, 'hello-pack')).get('0.1.0'))
      .toBe(before + 5);
  });

  it('refuses a blob changed on disk after it was served and cached', async () => {
    expect((await raw(reg, TARBALL)).status).toBe(200);
    const path = reg.blobs.pathOf(sha256Hex(hello.tgz));
    const tampered = Buffer.from(hello.tgz);
    tampered[tampered.length - 5] ^= 0xff;
    // Wait out coarse file-time ticks, so the rewrite changes the file's identity.
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(path, tampered);

    const res = await raw(reg, TARBALL);
    expect(res.status).toBe(500);
    expect(await readProblem(res)).toMatchObject({ code: 'blob_corrupt' });
    writeFileSync(path, hello.tgz);
    expect((await raw(reg, TARBALL)).status).toBe(200);
  });

  it('trusts a cached value for one generation and at most MAX_AGE_MS', async () => {
    let now = 0;
    let loads = 0;
    const memo = new GenerationMemo<number>(() => now);
    const load = async () => ++loads;
    expect(await memo.get(reg.services.db, 'k', load)).toBe(1);
    now = MAX_AGE_MS - 1;
    expect(await memo.get(reg.services.db, 'k', load)).toBe(1);
    now = MAX_AGE_MS;
    expect(await memo.get(reg.services.db, 'k', load)).toBe(2);
    // A write request of this process is a new generation: loaded again at once.
    await raw(reg, '/v1/packs/hello-pack/dist-tags/cache-test', { method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: '0.1.0' }) });
    expect(await memo.get(reg.services.db, 'k', load)).toBe(3);
  });
});

describe.each(backends().filter((b) => b.name === 'postgres'))(
  'read caches across two registries on one database ($name)', (backend) => {
    const running: { registry: RunningRegistry; dataDir: string }[] = [];

    beforeAll(async () => {
      const db = await backend.fresh();
      const clock = fixedClock(new Date('2025-01-02T03:04:05.000Z'));
      for (const dataDir of [db.dataDir, `${db.dataDir}-second`]) {
        const services = await openRegistryServices({ dataDir, databaseUrl: db.url!,
          bootstrapToken: ADMIN_TOKEN, log: jsonLogger(() => undefined, clock), clock });
        const registry = await startRegistryServer(services, { port: 0, host: '127.0.0.1' });
        running.push({ registry, dataDir });
      }
    });
    afterAll(async () => {
      for (const r of running) {
        await r.registry.close(1000);
        rmSync(r.dataDir, { recursive: true, force: true });
      }
    });

    it('refuses a token revoked through the other registry within 100 ms', async () => {
      const [one, two] = running.map((r) => r.registry.url);
      const admin = { authorization: `Bearer ${ADMIN_TOKEN}`,
        'content-type': 'application/json' };
      const made = await fetch(`${one}/v1/tokens`, { method: 'POST', headers: admin,
        body: JSON.stringify({ name: 'reader', scopes: ['read'] }) });
      expect(made.status).toBe(201);
      const { id, token } = (await made.json()) as { id: string; token: string };
      const read = () => fetch(`${two}/v1/packs`,
        { headers: { authorization: `Bearer ${token}` } });
      for (let i = 0; i < 3; i++) expect((await read()).status).toBe(200);

      const revoked = await fetch(`${one}/v1/tokens/${id}`, { method: 'DELETE', headers: admin });
      expect(revoked.status).toBe(204);
      await new Promise((r) => setTimeout(r, GENERATION_TTL_MS + 20));
      expect((await read()).status).toBe(401);
    });
  });

describe.each(backends())('the shared write counter ($name)', (backend) => {
  it('counts concurrent writes in one statement, and a later write in a later one', async () => {
    const target = await backend.fresh();
    const where = target.url ? { url: target.url } : { dataDir: target.pgliteDir! };
    const db = await openDatabase(where);
    try {
      await migrate(db, REGISTRY_COMPONENT, registryMigrations);
      const start = await db.query<{ n: number }>(
        'SELECT n FROM registry_read_generation WHERE id = 1');
      let updates = 0;
      const counted: Queryable = {
        query: (sql, params) => {
          if (sql.startsWith('UPDATE registry_read_generation')) updates++;
          return db.query(sql, params);
        },
      };
      const write = invalidateOnWrite(counted);
      const post = () => write({ method: 'POST' } as Koa.Context, async () => undefined);
      const before = await currentGeneration(counted);
      // Ten writes at once, all before the bump starts: one statement counts them.
      await Promise.all(Array.from({ length: 10 }, post));
      expect(updates).toBe(1);
      // This process sees its own writes at once, without asking the database.
      expect(await currentGeneration(counted)).not.toBe(before);
      // A write while a bump is in flight waits for the next one, shared by its company.
      const first = post();
      while (updates < 2) await new Promise((r) => setImmediate(r));
      await Promise.all([first, post(), post()]);
      expect(updates).toBe(3);
      const { rows } = await db.query<{ n: number }>(
        'SELECT n FROM registry_read_generation WHERE id = 1');
      expect(rows[0]!.n).toBe(start.rows[0]!.n + 3);
    } finally {
      await db.close();
    }
  });
});

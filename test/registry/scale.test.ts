/**
 * Two registry processes on one PostgreSQL database and one blob folder,
 * sharing no memory: what one publishes the other serves, both answer
 * every read with the same bytes and ETags, and a race between them for
 * one id@version has exactly one winner.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresBackend } from '../helpers/databases.js';
import { RegistryClient } from '../../packs/client/registry.js';
import { sha256Hex } from '../../packs/digest.js';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { ADMIN_TOKEN, publishForm, signedFixture } from './helpers.js';
import {
  adminFetch, assertBuilt, serveRegistry, stopRegistry, type ServedRegistry,
} from './trust-helpers.js';

const flags = ['--public-url', 'https://packs.example.com'];

describe('two registry processes on one database', () => {
  let a: ServedRegistry;
  let b: ServedRegistry;
  let dataDir = '';

  beforeAll(async () => {
    assertBuilt();
    const db = await postgresBackend.fresh();
    dataDir = db.dataDir;
    [a, b] = [await serveRegistry(db, flags), await serveRegistry(db, flags)];
  });
  afterAll(async () => {
    if (a) await stopRegistry(a);
    if (b) await stopRegistry(b);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves through one what the other published, byte for byte', async () => {
    const key = generateKeyPair();
    await new RegistryClient({ url: a.url, token: ADMIN_TOKEN }).addKey(key.publicPem);
    const packs = [await signedFixture('hello-pack', key), await signedFixture('slack', key)];
    await new RegistryClient({ url: a.url, token: ADMIN_TOKEN }).publish(packs[0]!.tgz,
      packs[0]!.bundle);
    await new RegistryClient({ url: b.url, token: ADMIN_TOKEN }).publish(packs[1]!.tgz,
      packs[1]!.bundle);

    const paths = ['/v1/catalog.json', '/v1/packs', '/v1/packs/hello-pack', '/v1/packs/slack',
      '/v1/packs/slack/resolve?range=*', '/v1/packs/hello-pack/versions/0.1.0',
      '/v1/packs/hello-pack/versions/0.1.0/tarball', '/v1/packs/slack/versions/0.1.0/bundle',
      '/v1/keys', '/v1/log/key', '/v1/log/tree-head', '/v1/log/entries',
      '/v1/log/proof/inclusion?index=1&tree_size=3', '/v1/log/proof/consistency?first=1&second=3'];
    for (const path of paths) {
      const [ra, rb] = [await adminFetch(a.url, path), await adminFetch(b.url, path)];
      expect([ra.status, rb.status], path).toEqual([200, 200]);
      expect(rb.headers.get('etag'), path).toBe(ra.headers.get('etag'));
      const [ba, bb] = [Buffer.from(await ra.arrayBuffer()), Buffer.from(await rb.arrayBuffer())];
      expect(bb, path).toEqual(ba);
    }
    const tarball = await adminFetch(b.url, '/v1/packs/hello-pack/versions/0.1.0/tarball');
    expect(sha256Hex(Buffer.from(await tarball.arrayBuffer()))).toBe(sha256Hex(packs[0]!.tgz));
  });

  it('gives one winner when both take publishes of the same id@version', async () => {
    const key = generateKeyPair();
    await new RegistryClient({ url: b.url, token: ADMIN_TOKEN }).addKey(key.publicPem);
    const attempts = await Promise.all(Array.from({ length: 10 }, (_, i) => signedFixture(
      'github', key, { edit: (y) => y.replace(/description: .*/, `description: try ${i}`) })));
    const answers = await Promise.all(attempts.map((p, i) => adminFetch(i % 2 ? a.url : b.url,
      '/v1/packs', { method: 'POST', body: publishForm({ tarball: p.tgz, bundle: p.bundle }) })));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    const winner = attempts[statuses.indexOf(201)]!;
    for (const url of [a.url, b.url]) {
      const got = await new RegistryClient({ url, token: ADMIN_TOKEN }).downloadTarball('github',
        winner.version);
      expect(got).toEqual(winner.tgz);
    }
  });
});

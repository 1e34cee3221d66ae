/**
 * `kill -9` of a real registry process in the middle of publishes, on both
 * back ends. After a restart every version is either all there (row, blob,
 * log entry, same bytes) or absent, and a blob left by an unfinished
 * publish is never served. On PostgreSQL a test connection holds the log's
 * lock, so the kill lands exactly between the blob write and the commit.
 */
import { rmSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { backends, type Backend } from '../helpers/databases.js';
import { cordum, json } from '../helpers/cli.js';
import { RegistryClient } from '../../packs/client/registry.js';
import { sha256Hex } from '../../packs/digest.js';
import { checkInclusion } from '../../packs/tlog/check.js';
import type { KeyPair } from '../../packs/signing/keys.js';
import { ADMIN_TOKEN, signedFixture, type SignedPack } from './helpers.js';
import { assertBuilt, serveRegistry, stopRegistry, type ServedRegistry } from './trust-helpers.js';

const VERSIONS = Array.from({ length: 12 }, (_, i) => `1.0.${i}`);

async function publishAll(url: string, packs: SignedPack[], acknowledged: string[]) {
  const client = new RegistryClient({ url, token: ADMIN_TOKEN, timeoutMs: 10_000 });
  for (const p of packs) {
    try {
      await client.publish(p.tgz, p.bundle);
      acknowledged.push(p.version);
    } catch {
      return acknowledged;
    }
  }
  return acknowledged;
}

/** Every version is whole (bytes, log entry) or absent; answers the ones present. */
async function checkWholeOrAbsent(url: string, packs: SignedPack[]): Promise<string[]> {
  const client = new RegistryClient({ url, token: ADMIN_TOKEN });
  const present: string[] = [];
  for (const p of packs) {
    const got = await client.downloadTarball(p.id, p.version).catch((e: { code?: string }) => e);
    if (Buffer.isBuffer(got)) {
      expect(got).toEqual(p.tgz);
      const proof = await checkInclusion(client, { sha256: sha256Hex(p.tgz) });
      expect(proof.entry).toMatchObject({ kind: 'publish', version: p.version });
      present.push(p.version);
    } else {
      expect(got).toMatchObject({ code: 'version_not_found' });
      const { entries } = await client.logEntries({ sha256: sha256Hex(p.tgz) });
      expect(entries).toEqual([]);
    }
  }
  return present;
}

describe.each(backends())('kill -9 during publishes ($name)', (backend: Backend) => {
  const cleanup: string[] = [];
  let served: ServedRegistry | undefined;
  afterAll(async () => {
    if (served) await stopRegistry(served, 'SIGKILL');
    for (const d of cleanup) rmSync(d, { recursive: true, force: true });
  });

  it('keeps each version whole or absent across kills at random moments', async () => {
    assertBuilt();
    const db = await backend.fresh();
    cleanup.push(db.dataDir);
    served = await serveRegistry(db);
    const key = await registerKey(served.url);
    const packs = await Promise.all(VERSIONS.map((version) => signedFixture('hello-pack', key,
      { version })));
    const kept: { acknowledged: number; present: number }[] = [];
    for (let round = 0; round < 3; round++) {
      const remaining = packs.slice(round * 4, round * 4 + 4);
      const acked: string[] = [];
      const publishing = publishAll(served.url, remaining, acked);
      // Once one publish is through, kill a few ms into a later one.
      await waitFor(async () => acked.length >= 1);
      await new Promise((r) => setTimeout(r, 3 + round * 7));
      served.child.kill('SIGKILL');
      await served.exited;
      const acknowledged = await publishing;
      served = await serveRegistry(db);
      const present = await checkWholeOrAbsent(served.url, remaining);
      // Every acknowledged publish survived the kill.
      expect(present).toEqual(expect.arrayContaining(acknowledged));
      kept.push({ acknowledged: acknowledged.length, present: present.length });
    }
    const fsck = await stopThenFsck(served, db);
    served = undefined;
    expect(fsck.problems).toEqual([]);
    // What each round kept, for the record (docs/operating-registry.md).
    console.info(`kill -9 on ${backend.name}: ${JSON.stringify(kept)}; ` +
      `orphan blobs ${fsck.warnings.length}`);
  });

  it.runIf(backend.name === 'postgres')('kills between blob write and commit: no version, no '
    + 'log entry, the stray blob never served', async () => {
    const db = await backend.fresh();
    cleanup.push(db.dataDir);
    served = await serveRegistry(db);
    const key = await registerKey(served.url);
    const pack = await signedFixture('slack', key);
    const client = new RegistryClient({ url: served.url, token: ADMIN_TOKEN, timeoutMs: 20_000 });
    const before = await client.logTreeHead();

    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT size FROM registry_tlog_head WHERE id = 1 FOR UPDATE');
    const publishing = client.publish(pack.tgz, pack.bundle).catch((e: unknown) => e);
    await waitFor(async () => (await holder.query(
      "SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted")).rows[0].n > 0);
    served.child.kill('SIGKILL');
    await served.exited;
    await holder.query('ROLLBACK');
    await holder.end();
    expect(await publishing).toMatchObject({ code: 'registry_unreachable' });

    served = await serveRegistry(db);
    const again = new RegistryClient({ url: served.url, token: ADMIN_TOKEN });
    await expect(again.downloadTarball('slack', pack.version)).rejects.toMatchObject({
      code: 'version_not_found' });
    expect(await again.logTreeHead()).toEqual(before);
    const fsck = await stopThenFsck(served, db);
    expect(fsck.problems).toEqual([]);
    expect(fsck.warnings).toEqual([{ code: 'blob_orphan', target: `sha256:${sha256Hex(pack.tgz)}`,
      message: 'no version references this blob; it is never served' }]);

    served = await serveRegistry(db);
    const published = await new RegistryClient({ url: served.url, token: ADMIN_TOKEN })
      .publish(pack.tgz, pack.bundle);
    expect(published.sha256).toBe(sha256Hex(pack.tgz));
  });
});

async function registerKey(url: string): Promise<KeyPair> {
  const { generateKeyPair } = await import('../../packs/signing/keys.js');
  const key = generateKeyPair();
  await new RegistryClient({ url, token: ADMIN_TOKEN }).addKey(key.publicPem);
  return key;
}

async function waitFor(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('timed out waiting');
}

/** Stops the server (PGlite opens in one process only) and runs the real fsck command. */
async function stopThenFsck(served: ServedRegistry, db: { url?: string; dataDir: string }) {
  await stopRegistry(served);
  const env: Record<string, string> = db.url ? { DATABASE_URL: db.url } : {};
  const run = await cordum(['registry', 'fsck', '--data', db.dataDir, '--json'], { env });
  return json(run) as { problems: unknown[]; warnings: unknown[] };
}

/**
 * The real CLI against a real registry process: `cordum pack verify
 * --registry` checks the log's inclusion of a publish and, with a saved
 * tree head, that the log only grew; `cordum registry audit export`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import { cordum, json } from '../helpers/cli.js';
import { RegistryClient } from '../../packs/client/registry.js';
import { sha256Hex } from '../../packs/digest.js';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { ADMIN_TOKEN, signedFixture } from './helpers.js';
import { assertBuilt, serveRegistry, stopRegistry, type ServedRegistry } from './trust-helpers.js';

describe('pack verify --registry and audit export', () => {
  const work = mkdtempSync(join(tmpdir(), 'cordum-tlog-cli-'));
  let served: ServedRegistry;
  let dataDir = '';

  beforeAll(async () => {
    assertBuilt();
    const db = await pgliteBackend.fresh();
    dataDir = db.dataDir;
    served = await serveRegistry(db);
  });
  afterAll(async () => {
    if (served) await stopRegistry(served);
    rmSync(work, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('verifies inclusion, then consistency with the saved tree head', async () => {
    const client = new RegistryClient({ url: served.url, token: ADMIN_TOKEN });
    const key = generateKeyPair();
    await client.addKey(key.publicPem);
    const pack = await signedFixture('hello-pack', key);
    await client.publish(pack.tgz, pack.bundle);
    const tgz = join(work, 'hello-pack-0.1.0.tgz');
    writeFileSync(tgz, pack.tgz);
    writeFileSync(`${tgz}.sigstore.json`, JSON.stringify(pack.bundle));
    writeFileSync(join(work, 'key.pub'), key.publicPem);
    const head = join(work, 'tree-head.json');
    const args = ['pack', 'verify', tgz, '--key', join(work, 'key.pub'), '--registry', served.url,
      '--token', ADMIN_TOKEN, '--tree-head', head];

    const first = json(await cordum([...args, '--json']));
    expect(first).toMatchObject({ verified: true, sha256: sha256Hex(pack.tgz),
      log: { index: 1, tree_size: 2 } });
    expect(JSON.parse(readFileSync(head, 'utf8'))).toMatchObject({ tree_size: 2 });

    const next = await signedFixture('hello-pack', key, { version: '0.2.0' });
    await client.publish(next.tgz, next.bundle);
    const text = await cordum(args);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^in the registry's log: entry 1 of 3, root [0-9a-f]{64}$/m);

    // A saved head the log does not extend: a rewritten history.
    const saved = JSON.parse(readFileSync(head, 'utf8')) as { root_hash: string };
    writeFileSync(head, JSON.stringify({ ...saved, root_hash: 'ab'.repeat(32) }));
    const refused = await cordum(args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error\[log_inconsistent\]/m);
  });

  it('exports the audit log as CSV', async () => {
    const r = await cordum(['registry', 'audit', 'export', '--format', 'csv', '--registry',
      served.url, '--token', ADMIN_TOKEN]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\r\n');
    expect(lines[0]).toMatch(/^at,request_id,actor,/);
    expect(lines.slice(1).map((l) => l.split(',')[4])).toEqual(['key.add', 'pack.publish',
      'pack.publish']);

    // To a file: the same bytes there, and a line saying what was written.
    const out = join(mkdtempSync(join(tmpdir(), 'cordum-audit-')), 'audit.csv');
    const written = await cordum(['registry', 'audit', 'export', '--format', 'csv', '--out', out,
      '--registry', served.url, '--token', ADMIN_TOKEN]);
    expect(written.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
    expect(written.stdout).toBe(`wrote ${out} (3 entries, ${Buffer.byteLength(r.stdout)} bytes)\n`);
  });
});

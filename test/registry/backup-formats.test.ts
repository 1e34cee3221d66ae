/**
 * Archive formats: an archive of the first format (v1, written here the
 * way the v1 exporter wrote it: the driver's rows as JSON, eight tables)
 * still imports into an empty registry with the same catalog, yank and
 * tree head; an archive naming a table or column this cordum does not
 * know, or a format it does not read, is refused with `archive_invalid`
 * before anything is stored.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARCHIVE_FORMAT_V1, readArchiveMembers, V1_COLUMNS, verifyArchive, writeArchive,
  type ArchiveManifest,
} from '../../registry/commands/archive.js';
import { exportRegistry } from '../../registry/commands/export.js';
import { importRegistry } from '../../registry/commands/import.js';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { backends, type Backend } from '../helpers/databases.js';
import { call, serve, type Served } from './backup-helpers.js';
import { ADMIN_TOKEN, signedFixture } from './helpers.js';

const ORDER: Record<string, string> = { registry_versions: 'pack_id, version',
  registry_yanks: 'pack_id, version', registry_tlog_entries: 'idx',
  registry_tlog_tree_heads: 'tree_size, key_id', registry_keys: 'key_id',
  registry_key_revocations: 'key_id' };

/** What the v1 exporter wrote: each table's rows as the driver gave them, JSON a line. */
async function writeV1(reg: Served, out: string): Promise<void> {
  const s = reg.services;
  const head = JSON.parse((await call(reg.url, ADMIN_TOKEN, 'GET', '/v1/log/tree-head')).text) as
    { tree_size: number; root_hash: string };
  const members = new Map<string, Buffer>();
  const counts: Record<string, number> = {};
  for (const [table, columns] of Object.entries(V1_COLUMNS)) {
    const { rows } = await s.db.query(
      `SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${ORDER[table] ?? 'id'}`);
    counts[table] = rows.length;
    members.set(`tables/${table}.jsonl`, Buffer.from(rows.map((r) => `${JSON.stringify(r)}\n`)
      .join('')));
  }
  const { rows } = await s.db.query<{ sha256: string }>(
    'SELECT DISTINCT sha256 FROM registry_versions ORDER BY sha256');
  for (const { sha256 } of rows) members.set(`blobs/${sha256}`, await s.blobs.get(sha256));
  const log = { key_id: s.logSigner.keyId, public_key: s.logSigner.publicPem,
    origin: s.logSigner.origin, tree_size: head.tree_size, root_hash: head.root_hash };
  await writeArchive(out, { format: ARCHIVE_FORMAT_V1, created_at: '2025-01-02T03:04:05.000Z',
    log, counts }, members, (text) => s.logSigner.sign(text));
}

/** The archive at `path` with its manifest changed by `edit` and signed again. */
async function resigned(reg: Served, path: string, out: string,
  edit: (m: ArchiveManifest) => ArchiveManifest, extra: [string, Buffer][] = []) {
  const members = await readArchiveMembers(readFileSync(path));
  const { files: _files, ...manifest } = edit(verifyArchive(members));
  members.delete('manifest.json');
  members.delete('manifest.json.sig');
  for (const [name, bytes] of extra) members.set(name, bytes);
  await writeArchive(out, manifest, members, (text) => reg.services.logSigner.sign(text));
  return readFileSync(out);
}

const PATHS = ['/v1/catalog.json', '/v1/packs', '/v1/packs/slack/versions/0.1.0/yank',
  '/v1/keys', '/v1/log/tree-head', '/v1/log/entries?start=0&end=100'];

async function reads(url: string) {
  return Promise.all(PATHS.map((p) => call(url, ADMIN_TOKEN, 'GET', p)));
}

describe.each(backends())('archive formats ($name)', (backend: Backend) => {
  const work = mkdtempSync(join(tmpdir(), 'cordum-formats-'));
  let source: Served;
  const targets: Served[] = [];

  beforeAll(async () => {
    source = await serve(backend);
    const key = generateKeyPair();
    await call(source.url, ADMIN_TOKEN, 'POST', '/v1/keys', { public_key: key.publicPem });
    for (const name of ['hello-pack', 'slack']) {
      const pack = await signedFixture(name, key);
      const form = new FormData();
      form.append('tarball', new Blob([pack.tgz]), 'p.tgz');
      form.append('bundle', new Blob([JSON.stringify(pack.bundle)]), 'p.tgz.sigstore.json');
      const res = await fetch(`${source.url}/v1/packs`, { method: 'POST', body: form,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(res.status).toBe(201);
    }
    expect((await call(source.url, ADMIN_TOKEN, 'PUT', '/v1/packs/slack/versions/0.1.0/yank',
      { yanked: true, reason: 'old' })).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([source?.close(), ...targets.map((t) => t.close())]);
    rmSync(work, { recursive: true, force: true });
  });

  const target = async () => {
    const t = await serve(backend, source.dataDir);
    targets.push(t);
    return t;
  };

  it('imports an archive of the v1 format with the same catalog, yank and tree head',
    async () => {
      const before = await reads(source.url);
      const path = join(work, 'v1.tar.gz');
      await writeV1(source, path);
      const t = await target();
      const imported = await importRegistry(t.services, readFileSync(path));
      expect(imported).toMatchObject({ format: ARCHIVE_FORMAT_V1, tree_size: 4 });
      expect(await reads(t.url)).toEqual(before);
      // Columns v1 did not hold take their defaults.
      const { rows } = await t.services.db.query<{ private: boolean }>(
        'SELECT DISTINCT private FROM registry_packs');
      expect(rows).toEqual([{ private: false }]);
    });

  it.each([
    ['a table it does not know', (m: ArchiveManifest) => ({ ...m,
      tables: { ...m.tables, registry_future: ['id'] } }),
    /holds table registry_future, which this cordum does not restore/],
    ['a column it does not know', (m: ArchiveManifest) => ({ ...m, tables: { ...m.tables,
      registry_packs: ['id', 'publisher', 'created_at', 'private', 'colour'] } }),
    /holds columns colour of table registry_packs/],
    ['a format it does not read', (m: ArchiveManifest) => ({ ...m,
      format: 'cordum-registry-archive/v9' }),
    /unknown archive format cordum-registry-archive\/v9 \(this cordum reads/],
  ])('refuses an archive with %s, storing nothing', async (_name, edit, message) => {
    const path = join(work, 'v2.tar.gz');
    await exportRegistry(source.services, path);
    const bytes = await resigned(source, path, join(work, 'edited.tar.gz'), edit);
    const t = await target();
    await expect(importRegistry(t.services, bytes)).rejects.toMatchObject({
      code: 'archive_invalid', message: expect.stringMatching(message) });
    const { rows } = await t.services.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM registry_versions');
    expect(rows[0]?.n).toBe(0);
  });

  it('keeps no blob of an archive refused after its blobs were stored', async () => {
    const path = join(work, 'v2c.tar.gz');
    await exportRegistry(source.services, path);
    const bytes = await resigned(source, path, join(work, 'root.tar.gz'), (m) => ({ ...m,
      log: { ...m.log, root_hash: '0'.repeat(64) } }));
    const blobs = [...(await readArchiveMembers(bytes)).keys()]
      .filter((n) => n.startsWith('blobs/')).map((n) => n.slice('blobs/'.length));
    expect(blobs.length).toBeGreaterThan(0);
    const t = await target();
    await expect(importRegistry(t.services, bytes)).rejects.toMatchObject({
      code: 'archive_invalid', message: expect.stringMatching(/not the archive's signed head/) });
    for (const sha256 of blobs) expect(await t.services.blobs.has(sha256), sha256).toBe(false);
  });

  it('refuses a table member the manifest does not declare', async () => {
    const path = join(work, 'v2b.tar.gz');
    await exportRegistry(source.services, path);
    const bytes = await resigned(source, path, join(work, 'extra.tar.gz'), (m) => m,
      [['tables/registry_future.jsonl', Buffer.from('{"id":1}\n')]]);
    const t = await target();
    await expect(importRegistry(t.services, bytes)).rejects.toMatchObject({
      code: 'archive_invalid',
      message: 'archive member tables/registry_future.jsonl is not a known table' });
  });
});

describe('verifyArchive of a manifest.json without the fields it reads', () => {
  const log = { key_id: 'k', public_key: 'p', origin: 'o', tree_size: 0, root_hash: 'r' };
  const manifest = { format: 'cordum-registry-archive/v2', log, counts: {}, files: {} };
  it.each([
    ['text that is not JSON', '{', /manifest\.json is not JSON: /],
    ['null', 'null', /manifest\.json is not a JSON object$/],
    ['no log', JSON.stringify({ ...manifest, log: undefined }), /has no `log` object$/],
    ['no log.public_key', JSON.stringify({ ...manifest, log: { ...log, public_key: 1 } }),
      /has no string `log\.public_key`$/],
    ['no files', JSON.stringify({ ...manifest, files: null }), /has no `files` object/],
    ['no counts', JSON.stringify({ ...manifest, counts: undefined }), /has no `counts` object$/],
    ['tables of a string', JSON.stringify({ ...manifest, tables: { registry_packs: 'id' } }),
      /has a `tables` field that is not/],
  ])('refuses %s with archive_invalid, not a TypeError', (_name, text, message) => {
    const members = new Map([['manifest.json', Buffer.from(text)],
      ['manifest.json.sig', Buffer.from('c2ln\n')]]);
    expect(() => verifyArchive(members)).toThrow(expect.objectContaining({
      code: 'archive_invalid', message: expect.stringMatching(message) }));
  });
});

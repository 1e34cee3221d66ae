/**
 * A complete restore: a registry with tokens, members, a private pack,
 * dist-tags, a deprecation, a deployment and its policy bundle, a
 * collection, a verified publisher, downloads, an npm package, upstream
 * log evidence and an audit trail is exported and imported into an empty
 * registry with the same log key; the real API answers every one of them
 * alike, the stored tokens still work, and the restored registry takes new
 * writes (the audit sequence moved past the restored ids, the log grows).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRegistry } from '../../registry/commands/export.js';
import { importRegistry } from '../../registry/commands/import.js';
import { backends, type Backend } from '../helpers/databases.js';
import { answers, call, fill, serve, type Served, type Tokens } from './backup-helpers.js';
import { ADMIN_TOKEN } from './helpers.js';

describe.each(backends())('complete backup and restore ($name)', (backend: Backend) => {
  const work = mkdtempSync(join(tmpdir(), 'cordum-restore-'));
  let source: Served;
  let target: Served;
  let tokens: Tokens;
  let before: Awaited<ReturnType<typeof answers>>;
  let auditBefore: string;
  let archive: string;

  beforeAll(async () => {
    source = await serve(backend);
    tokens = await fill(source);
    before = await answers(source.url, tokens);
    auditBefore = (await call(source.url, ADMIN_TOKEN, 'GET', '/v1/audit?format=jsonl')).text;
    archive = join(work, 'backup.tar.gz');
    await exportRegistry(source.services, archive);
    target = await serve(backend, source.dataDir);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([source?.close(), target?.close()]);
    rmSync(work, { recursive: true, force: true });
  });

  it('fills the source with what the restore must bring back', () => {
    expect(before['private resolve, member']?.status).toBe(200);
    expect(before['private resolve, outsider']?.status).toBe(404);
    expect(before['private resolve, no token']?.status).toBe(401);
    expect(JSON.parse(before['dist-tag resolve']!.text)).toMatchObject({ version: '0.1.0' });
    expect(JSON.parse(before['most installed']!.text).packs[0])
      .toMatchObject({ id: 'slack', downloads: 2 });
    expect(before.members?.text).toContain('"carol"');
    for (const name of ['deployment', 'policy bundle', 'token', 'npm packument', 'deprecation']) {
      expect(before[name]?.status, name).toBe(200);
    }
    expect(JSON.parse(before.collections!.text).collections[0].packs)
      .toEqual(['slack', 'hello-pack']);
    expect(JSON.parse(before.verified!.text).publishers[0]).toMatchObject({ publisher: 'acme' });
    expect(JSON.parse(before.upstream!.text).upstream).toHaveLength(1);
    expect(auditBefore.split('\n').length).toBeGreaterThan(10);
  });

  it('answers the same audit trail, catalog, private reads, tags, deployment and tree head',
    async () => {
      const imported = await importRegistry(target.services, readFileSync(archive));
      expect(imported).toMatchObject({ format: 'cordum-registry-archive/v2',
        same_log_key: true });
      // The audit trail first: the reads below add denied-request rows of their own.
      expect((await call(target.url, ADMIN_TOKEN, 'GET', '/v1/audit?format=jsonl')).text)
        .toBe(auditBefore);
      expect(await answers(target.url, tokens)).toEqual(before);
    });

  it('takes new writes after the restore: tokens, audit rows, dist-tags and log entries',
    async () => {
      const db = target.services.db;
      const ids = async () => (await db.query<{ n: number; max: number }>(
        'SELECT count(*)::int AS n, max(id) AS max FROM registry_audit')).rows[0]!;
      const was = await ids();
      const tag = await call(target.url, tokens.acme, 'PUT',
        '/v1/packs/hello-pack/dist-tags/stable', { version: '0.2.0' });
      expect(tag.status).toBe(200);
      const made = await call(target.url, ADMIN_TOKEN, 'POST', '/v1/tokens',
        { name: 'after-restore', scopes: ['read'] });
      expect(made.status).toBe(201);
      const now = await ids();
      expect(now.n).toBe(was.n + 2);
      expect(Number(now.max)).toBe(Number(was.max) + 2);

      const resolved = await call(target.url, tokens.carol, 'GET',
        '/v1/packs/hello-pack/resolve?range=stable');
      expect(JSON.parse(resolved.text)).toMatchObject({ version: '0.2.0' });
      const revoke = await call(target.url, ADMIN_TOKEN, 'PUT',
        '/v1/packs/slack/versions/0.1.0/yank', { yanked: true, reason: 'after restore' });
      expect(revoke.status).toBe(200);
      const head = JSON.parse((await call(target.url, ADMIN_TOKEN, 'GET', '/v1/log/tree-head'))
        .text) as { tree_size: number };
      expect(head.tree_size).toBe(JSON.parse(before['tree head']!.text).tree_size + 1);
    });

  it('refuses a second import into the restored registry', async () => {
    await expect(importRegistry(target.services, readFileSync(archive)))
      .rejects.toMatchObject({ code: 'registry_not_empty' });
  });
});

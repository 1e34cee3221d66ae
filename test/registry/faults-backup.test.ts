/**
 * Backup and restore through the real CLI: `registry export` writes a
 * signed archive; `registry import` into an empty registry gives the same
 * catalog, digests and signed tree head, and refuses a changed archive or
 * a registry that is not empty.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync }
  from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { backends, type Backend } from '../helpers/databases.js';
import { cordum, json } from '../helpers/cli.js';
import { RegistryClient } from '../../packs/client/registry.js';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { ADMIN_TOKEN, signedFixture } from './helpers.js';
import { assertBuilt, serveRegistry, stopRegistry } from './trust-helpers.js';

const PUBLIC = 'https://packs.example.com';

async function snapshot(url: string) {
  const c = new RegistryClient({ url, token: ADMIN_TOKEN });
  const packs = await c.listPacks();
  const details = await Promise.all(packs.packs.map((p) => c.getPack(p.id)));
  const yank = await (await fetch(`${url}/v1/packs/slack/versions/0.1.0/yank`,
    { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
  return { catalog: await c.catalog(), details, head: await c.logTreeHead(), yank,
    entries: (await c.logEntries({})).entries, keys: await c.listKeys() };
}

describe.each(backends())('export and import ($name)', (backend: Backend) => {
  const work = mkdtempSync(join(tmpdir(), 'cordum-backup-'));
  const dirs: string[] = [work];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('restores the same catalog, digests and tree head from a signed archive', async () => {
    assertBuilt();
    const source = await backend.fresh();
    dirs.push(source.dataDir);
    const flags = ['--public-url', PUBLIC];
    let served = await serveRegistry(source, flags);
    const client = new RegistryClient({ url: served.url, token: ADMIN_TOKEN });
    const key = generateKeyPair();
    await client.addKey(key.publicPem);
    for (const [name, version] of [['hello-pack', '0.1.0'], ['hello-pack', '0.2.0'],
      ['slack', '0.1.0']] as const) {
      const pack = await signedFixture(name, key, { version });
      await client.publish(pack.tgz, pack.bundle);
    }
    await fetch(`${served.url}/v1/packs/slack/versions/0.1.0/yank`, { method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ yanked: true, reason: 'old' }) });
    const before = await snapshot(served.url);
    writeFileSync(join(work, 'log.pub'), (await client.logKey()).public_key);
    await stopRegistry(served);

    const env = (db: { url?: string }) => ({ ...(db.url ? { DATABASE_URL: db.url } : {}),
      CORDUM_LOG_KEY_FILE: join(source.dataDir, 'log-key.pem') });
    const archive = join(work, `backup-${backend.name}.tar.gz`);
    const exported = json<{ tree_size: number; root_hash: string }>(await cordum(['registry',
      'export', archive, '--data', source.dataDir, '--json'], { env: env(source) }));
    expect(exported).toMatchObject({ tree_size: 5, root_hash: before.head.root_hash });

    const target = await backend.fresh();
    dirs.push(target.dataDir);
    // A bad trust key is refused before the data folder is touched.
    writeFileSync(join(work, 'empty.pub'), '\n');
    const badKey = await cordum(['registry', 'import', archive, '--data', target.dataDir,
      '--trust-key', join(work, 'empty.pub')], { env: env(target) });
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/^error\[key_invalid\]: --trust-key .*empty\.pub: not a PEM/m);
    expect(existsSync(join(target.dataDir, 'log-key.pem'))).toBe(false);
    const imported = json(await cordum(['registry', 'import', archive, '--data', target.dataDir,
      '--trust-key', join(work, 'log.pub'), '--json'], { env: env(target) }));
    expect(imported).toMatchObject({ tree_size: 5, same_log_key: true });
    served = await serveRegistry(target, flags, { CORDUM_LOG_KEY_FILE: env(target)
      .CORDUM_LOG_KEY_FILE });
    const after = await snapshot(served.url);
    expect(after).toEqual(before);
    const back = new RegistryClient({ url: served.url, token: ADMIN_TOKEN });
    expect((await back.downloadTarball('slack', '0.1.0')).length).toBeGreaterThan(0);
    await stopRegistry(served);

    // A second import into the now full registry is refused.
    const again = await cordum(['registry', 'import', archive, '--data', target.dataDir],
      { env: env(target) });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error\[registry_not_empty\]/m);

    // A changed byte anywhere is refused before anything is stored.
    const tar = gunzipSync(readFileSync(archive));
    const at = tar.indexOf(Buffer.from('"hello-pack"'));
    tar[at + 1] = 'j'.charCodeAt(0);
    writeFileSync(join(work, 'changed.tar.gz'), gzipSync(tar));
    const empty = await backend.fresh();
    dirs.push(empty.dataDir);
    const changed = await cordum(['registry', 'import', join(work, 'changed.tar.gz'), '--data',
      empty.dataDir], { env: env(empty) });
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(
      /^error\[archive_invalid\]: archive member .* is missing or changed/m);
  });
});

describe('commands that only read a registry', () => {
  const work = mkdtempSync(join(tmpdir(), 'cordum-no-registry-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const file = join(work, 'passwd');
  writeFileSync(file, 'root:x:0:0\n');
  mkdirSync(join(work, 'empty'));
  const cases: [string, string, RegExp][] = [
    ['a folder that does not exist', join(work, 'x', 'nope'), /: no such folder; /],
    ['a file', file, /: is a file, not a folder; /],
    ['a folder that holds no registry', join(work, 'empty'), /: holds no registry \(no db\/ /],
  ];

  it.each(cases)('refuse %s as --data, making nothing there', async (_name, data, why) => {
    const env = { DATABASE_URL: '' };
    const archive = join(work, 'out.tgz');
    for (const args of [['fsck'], ['export', archive]]) {
      const r = await cordum(['registry', ...args, '--data', data], { env });
      expect(r.code, args[0]).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^error\\[file_missing\\]: --data ${data}`));
      expect(r.stderr).toMatch(why);
    }
    expect(existsSync(archive)).toBe(false);
    expect(existsSync(join(work, 'x'))).toBe(false);
    expect(readdirSync(join(work, 'empty'))).toEqual([]);
  });

  it('look for the blobs folder on PostgreSQL, before connecting', async () => {
    const r = await cordum(['registry', 'fsck', '--data', join(work, 'empty')],
      { env: { DATABASE_URL: 'postgres://127.0.0.1:1/none' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[file_missing\]: .*holds no registry \(no blobs\/ folder\)/);
  });
});

/**
 * The real npm CLI and `cordum pack install --from npm:` reading dist-tags
 * and deprecations from the packument: `@beta` installs the tagged version,
 * a deprecated version warns, and with every version yanked there is no
 * `latest` to install.
 *
 * The tag and deprecation cases read the packument as buildPackument makes
 * it from packumentFactsOf, served by a loopback server in front of the
 * registry (which answers tarballs), until registry/routes/npm.ts passes
 * those facts itself; the yank case reads the registry's own route.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPacks } from '../../packs/install.js';
import { NpmClient } from '../../packs/npm/client.js';
import { NpmInstallSource } from '../../packs/npm/source.js';
import { buildPackument } from '../../registry/npm/packument.js';
import { npmTarballsOf, packumentFactsOf } from '../../registry/npm/store.js';
import { listVersions } from '../../registry/store/packs.js';
import { pgliteBackend } from '../helpers/databases.js';
import { renamedPack } from '../packs/helpers/renamed.js';
import {
  ADMIN_TOKEN, raw, registeredKey, startTestRegistry, type TestRegistry,
} from '../registry/helpers.js';
import { runNpm } from './helpers.js';

/** Packuments built with every fact; anything else passed to the registry. */
async function startFront(reg: TestRegistry): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(req.url ?? '/');
      const id = /^\/npm\/@cordum-packs\/([a-z0-9-]+)$/.exec(path)?.[1];
      const db = reg.services.db;
      if (id !== undefined && (await raw(reg, path)).ok) {
        const doc = buildPackument({ baseUrl: url, records: await listVersions(db, id),
          tarballs: await npmTarballsOf(db, id), ...(await packumentFactsOf(db, id)) });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
        return;
      }
      const upstream = await raw(reg, req.url ?? '/');
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type')
        ?? 'application/octet-stream' }).end(Buffer.from(await upstream.arrayBuffer()));
    })().catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { url, server };
}

describe('dist-tags and deprecations through npm', () => {
  let reg: TestRegistry;
  let front: { url: string; server: Server };
  let work: string;

  beforeAll(async () => {
    reg = await startTestRegistry(pgliteBackend);
    const key = await registeredKey(reg);
    const packs = [
      ...['1.0.0', '1.1.0-beta.1', '1.1.0'].map((v) => renamedPack('semtest', v, key)),
      ...['1.0.8', '1.0.9'].map((v) => renamedPack('allgone', v, key)),
    ];
    for (const pack of await Promise.all(packs)) await reg.admin.publish(pack.tgz, pack.bundle);
    const put = async (path: string, body: object) => {
      const res = await raw(reg, path, { method: 'PUT', body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(200);
    };
    await put('/v1/packs/semtest/dist-tags/latest', { version: '1.0.0' });
    await put('/v1/packs/semtest/dist-tags/beta', { version: '1.1.0-beta.1' });
    await put('/v1/packs/semtest/versions/1.1.0/deprecation', { message: 'old' });
    for (const v of ['1.0.8', '1.0.9']) {
      await put(`/v1/packs/allgone/versions/${v}/yank`, { yanked: true, reason: 'bad' });
    }
    front = await startFront(reg);
    work = mkdtempSync(join(tmpdir(), 'cordum-npm-tags-'));
    writeFileSync(join(work, 'package.json'), '{"name":"app","version":"1.0.0"}\n');
  });
  afterAll(async () => {
    await new Promise((done) => front?.server.close(done));
    await reg?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const npm = (registry: string, args: string[]) =>
    runNpm(work, `${registry}/npm/`, ADMIN_TOKEN, [...args, '--ignore-scripts']);
  const cordumInstall = async (spec: string) => {
    const source = new NpmInstallSource(new NpmClient({ url: `${front.url}/npm/` }),
      { describe: 'the test registry', getKey: (keyId) => reg.admin.getKey(keyId) });
    const project = mkdtempSync(join(tmpdir(), 'cordum-npm-tags-install-'));
    try {
      return await installPacks({ registry: source, project, specs: [spec] });
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  };

  it('installs a dist-tag with npm, and follows the latest tag', async () => {
    const beta = await npm(front.url, ['install', '@cordum-packs/semtest@beta', '--json']);
    expect(beta.code, beta.stderr).toBe(0);
    const view = await npm(front.url, ['view', '@cordum-packs/semtest', 'dist-tags', '--json']);
    expect(JSON.parse(view.stdout)).toEqual({ latest: '1.0.0', beta: '1.1.0-beta.1' });
    const latest = await npm(front.url, ['view', '@cordum-packs/semtest', 'version']);
    expect(latest.stdout.trim()).toBe('1.0.0');
    expect((await cordumInstall('semtest@beta')).installed.map((p) => p.version))
      .toEqual(['1.1.0-beta.1']);
  });

  it('warns of a deprecated version in npm and in cordum pack install --from npm:',
    async () => {
      const installed = await npm(front.url, ['install', '@cordum-packs/semtest@1.1.0']);
      expect(installed.code, installed.stderr).toBe(0);
      expect(installed.stderr).toMatch(/npm warn deprecated @cordum-packs\/semtest@1\.1\.0: old/);

      const result = await cordumInstall('semtest@^1');
      expect(result.installed.map((p) => p.version)).toEqual(['1.1.0']);
      expect(result.warnings).toEqual(['semtest@1.1.0 is deprecated: old']);
    });

  it('offers no latest once every version is yanked', async () => {
    const view = await npm(reg.url, ['view', '@cordum-packs/allgone', 'dist-tags', '--json']);
    expect(view.code, view.stderr).toBe(0);
    expect(view.stdout.trim() === '' ? {} : JSON.parse(view.stdout)).toEqual({});
    const latest = await npm(reg.url, ['install', '@cordum-packs/allgone@latest']);
    expect(latest.code).not.toBe(0);
    expect(latest.stderr).toMatch(/ETARGET/);
    // npm's picker still falls back to a deprecated version for a bare name or a
    // range; the yank notice is the warning it prints (docs/npm-registries.md).
    const bare = await npm(reg.url, ['install', '@cordum-packs/allgone']);
    expect(bare.stderr).toMatch(/npm warn deprecated @cordum-packs\/allgone@1\.0\.9: yanked/);
  });
});

/**
 * Packs through a real Verdaccio 6.8 on loopback. First as the npm
 * registry a team already runs: `cordum pack publish --to npm:` puts a
 * signed pack there and `cordum pack install --from npm:` takes it back
 * with the usual digest and signature checks. Then with our registry as
 * Verdaccio's uplink: the real `npm view` sees the pack through Verdaccio,
 * and an install through Verdaccio trusts the registry's keys.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../packs/digest.js';
import { NpmClient } from '../../packs/npm/client.js';
import { sha512Integrity, sha1Hex } from '../../packs/npm/integrity.js';
import { buildNpmPackage } from '../../packs/npm/package.js';
import { publishBody } from '../../packs/npm/publish.js';
import { readNpmPackage } from '../../packs/npm/read.js';
import { tarballOf } from '../../packs/npm/tarball.js';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { cordum, json } from '../helpers/cli.js';
import { backends } from '../helpers/databases.js';
import { ADMIN_TOKEN, raw, startTestRegistry, type TestRegistry } from '../registry/helpers.js';
import { signedPack, writeSigned } from './fixtures.js';
import { runNpm } from './helpers.js';
import { startVerdaccio, type RunningVerdaccio } from './verdaccio.js';

interface Installed {
  installed: { id: string; version: string; sha256: string; key_id: string; source: string }[];
}

describe('Verdaccio as the npm registry packs are published to', () => {
  let verdaccio: RunningVerdaccio;
  let token: string;
  let work: string;
  const key = generateKeyPair();
  const stranger = generateKeyPair();

  beforeAll(async () => {
    verdaccio = await startVerdaccio();
    token = await verdaccio.addUser('publisher', 'a-long-test-password');
    work = mkdtempSync(join(tmpdir(), 'cordum-verdaccio-'));
    writeFileSync(join(work, 'cordum.pub'), key.publicPem);
    writeFileSync(join(work, 'stranger.pub'), stranger.publicPem);
  });
  afterAll(async () => verdaccio?.close());

  const npmFlags = () => ['--from', `npm:${verdaccio.url}`, '--from-token', token];

  it('publishes with the CLI and installs back with the same checks', async () => {
    const pack = await signedPack('hello-pack', key);
    const tgz = writeSigned(work, pack);
    const published = json<{ name: string; version: string; sha256: string; integrity: string;
      tarball_url: string }>(
      await cordum(['pack', 'publish', tgz, '--to', `npm:${verdaccio.url}`, '--token', token,
        '--key', join(work, 'cordum.pub'), '--json']));
    expect(published).toMatchObject({ name: '@cordum-packs/hello-pack', version: '0.1.0',
      sha256: sha256Hex(pack.tgz) });
    // Where Verdaccio keeps it (it drops the scope from the file name), and it is there.
    expect(published.tarball_url).toBe(
      `${verdaccio.url.replace(/\/$/, '')}/@cordum-packs/hello-pack/-/hello-pack-0.1.0.tgz`);
    expect((await fetch(published.tarball_url, { headers: { authorization: `Bearer ${token}` } }))
      .status).toBe(200);

    const view = await runNpm(work, verdaccio.url, token,
      ['view', '@cordum-packs/hello-pack', '--json']);
    expect(view.code, view.stderr).toBe(0);
    expect(JSON.parse(view.stdout)).toMatchObject({ version: '0.1.0',
      cordum: { sha256: sha256Hex(pack.tgz), key_id: key.keyId },
      dist: { integrity: published.integrity } });

    const project = mkdtempSync(join(tmpdir(), 'cordum-npm-project-'));
    const installed = json<Installed>(await cordum(['pack', 'install', 'hello-pack@^0.1.0',
      ...npmFlags(), '--key', join(work, 'cordum.pub'), '--project', project, '--json']));
    expect(installed.installed).toEqual([{ id: 'hello-pack', version: '0.1.0',
      sha256: sha256Hex(pack.tgz), key_id: key.keyId, range: '^0.1.0',
      source: expect.stringMatching(/hello-pack-0\.1\.0\.tgz#cordum\.pack\.tgz$/) }]);
    const kept = readFileSync(join(project, '.cordum', 'packs', 'hello-pack-0.1.0.tgz'));
    expect(kept.equals(pack.tgz)).toBe(true);
    expect(readFileSync(join(project, '.cordum', 'packs', 'hello-pack', 'pack.yaml'), 'utf8'))
      .toContain('id: hello-pack');

    // Again from cordum.lock alone.
    const replay = json<Installed>(await cordum(['pack', 'install', ...npmFlags(), '--key',
      join(work, 'cordum.pub'), '--project', project, '--json']));
    expect(replay.installed.map((p) => p.sha256)).toEqual([sha256Hex(pack.tgz)]);
  });

  it('refuses a pack signed by a key it was not told to trust, writing nothing', async () => {
    const project = mkdtempSync(join(tmpdir(), 'cordum-npm-untrusted-'));
    const r = await cordum(['pack', 'install', 'hello-pack', ...npmFlags(), '--key',
      join(work, 'stranger.pub'), '--project', project]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[signature_unknown_key\]: signed by key [0-9a-f]{64}, which/m);
    expect(() => readFileSync(join(project, 'cordum.lock'))).toThrow();
  });

  it('needs keys to trust for an npm source', async () => {
    const r = await cordum(['pack', 'install', 'hello-pack', ...npmFlags()],
      { env: { CORDUM_REGISTRY: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[usage\]: an npm source needs keys to trust/m);
  });

  it('refuses a package whose embedded tarball is not the signed one', async () => {
    const pack = await signedPack('slack', key);
    const good = await buildNpmPackage(pack.tgz, pack.bundle);
    const contents = await readNpmPackage(good.tgz, 'slack');
    const other = await signedPack('slack', key, '0.1.1');
    // The package says slack@<version> with the real digest, but carries other bytes.
    const forged = new Map<string, Buffer>([
      ['package.json', Buffer.from(JSON.stringify(good.manifest))],
      ['pack.yaml', Buffer.from('kept for readBundle')],
      ['cordum.pack.tgz', other.tgz],
      ['cordum.sigstore.json', contents.bundleBytes],
    ]);
    const tgz = await tarballOf(forged, 'package');
    const pkg = { ...good, tgz, integrity: sha512Integrity(tgz), shasum: sha1Hex(tgz) };
    await new NpmClient({ url: verdaccio.url, token }).publish(good.manifest.name,
      publishBody(pkg, verdaccio.url).body);

    const project = mkdtempSync(join(tmpdir(), 'cordum-npm-forged-'));
    const r = await cordum(['pack', 'install', 'slack', ...npmFlags(), '--key',
      join(work, 'cordum.pub'), '--project', project, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'digest_mismatch',
      details: { expected: sha256Hex(pack.tgz), actual: sha256Hex(other.tgz) } });
  });

  it('refuses to publish a version twice', async () => {
    const pack = await signedPack('hello-pack', key);
    const tgz = writeSigned(work, pack);
    const r = await cordum(['pack', 'publish', tgz, '--to', `npm:${verdaccio.url}`, '--token',
      token]);
    expect(r.code).toBe(1);
    expect(r.stderr)
      .toMatch(/^error\[version_exists\]: PUT \/@cordum-packs%2fhello-pack answered 409/im);
  });
});

describe.each(backends())('Verdaccio with our registry as its uplink ($name)', (backend) => {
  let reg: TestRegistry;
  let verdaccio: RunningVerdaccio;
  let sha: string;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    const key = generateKeyPair();
    await reg.admin.addKey(key.publicPem);
    const pack = await signedPack('github', key);
    await reg.admin.publish(pack.tgz, pack.bundle);
    sha = sha256Hex(pack.tgz);
    verdaccio = await startVerdaccio({ url: `${reg.url}/npm/`, token: ADMIN_TOKEN });
  });
  afterAll(async () => {
    await verdaccio?.close();
    await reg?.close();
  });

  it('serves a pack from our registry to the real npm view', async () => {
    const work = mkdtempSync(join(tmpdir(), 'cordum-uplink-'));
    const view = await runNpm(work, verdaccio.url, undefined,
      ['view', '@cordum-packs/github', '--json']);
    expect(view.code, view.stderr).toBe(0);
    const shown = JSON.parse(view.stdout) as { name: string; version: string;
      cordum: { sha256: string }; dist: { integrity: string; tarball: string } };
    const ours = await (await raw(reg, '/npm/@cordum-packs%2fgithub')).json() as {
      versions: Record<string, { dist: { integrity: string } }> };
    expect(shown.name).toBe('@cordum-packs/github');
    expect(shown.cordum.sha256).toBe(sha);
    expect(shown.dist.integrity).toBe(ours.versions[shown.version]!.dist.integrity);
    // Verdaccio hands out its own tarball URL.
    expect(shown.dist.tarball.startsWith(verdaccio.url)).toBe(true);
  });

  it('installs through Verdaccio, trusting the registry keys', async () => {
    const project = mkdtempSync(join(tmpdir(), 'cordum-uplink-project-'));
    const installed = json<Installed>(await cordum(['pack', 'install', 'github',
      '--from', `npm:${verdaccio.url}`, '--registry', reg.url, '--token', ADMIN_TOKEN,
      '--project', project, '--json']));
    expect(installed.installed.map((p) => [p.id, p.sha256])).toEqual([['github', sha]]);
  });
});

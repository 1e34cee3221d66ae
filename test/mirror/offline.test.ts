/**
 * Offline bundles: `cordum bundle create` against a real registry process,
 * then `cordum bundle install` with that registry stopped (no network),
 * writing cordum.lock as `pack install` does; a tampered file or an
 * untrusted key fails and writes nothing.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../packs/client/registry.js';
import { createOfflineBundle } from '../../packs/offline/create.js';
import { sha256Hex } from '../../packs/digest.js';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { cordum, json, startRegistry, stopAll } from '../helpers/cli.js';
import { backends } from '../helpers/databases.js';
import { signedPack } from '../npm/fixtures.js';

interface Created {
  file: string;
  file_sha256: string;
  packs: { id: string; version: string; sha256: string }[];
  keys: number;
}

interface Installed {
  installed: { id: string; version: string; sha256: string; source: string }[];
  file_sha256: string;
  trust: string;
}

/** How long slack's tarball is in `file`, as base64: the most a bundle of it alone holds. */
function slackBase64(file: string): number {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as
    { packs: { id: string; tarball_base64: string }[] };
  return doc.packs.find((p) => p.id === 'slack')!.tarball_base64.length;
}

describe.each(backends())('offline bundles ($name)', (backend) => {
  const key = generateKeyPair();
  const work = mkdtempSync(join(tmpdir(), 'cordum-offline-'));
  const file = join(work, 'packs.cordum-bundle.json');
  const twoVersions = join(work, 'two-versions.cordum-bundle.json');
  const shas: Record<string, string> = {};
  let created: Created;
  let tooLarge: unknown;

  beforeAll(async () => {
    const reg = await startRegistry(backend);
    const client = new RegistryClient({ url: reg.url, token: reg.token });
    await client.addKey(key.publicPem);
    for (const [name, version] of [['hello-pack', '0.1.0'], ['hello-pack', '0.2.0'],
      ['slack', '0.1.0']] as const) {
      const pack = await signedPack(name, key, version);
      await client.publish(pack.tgz, pack.bundle);
      shas[`${name}@${version}`] = sha256Hex(pack.tgz);
    }
    created = json<Created>(await cordum(['bundle', 'create', 'hello-pack@^0.1.0', 'slack',
      '--out', file, '--registry', reg.url, '--token', reg.token, '--json']));
    await cordum(['bundle', 'create', 'hello-pack@0.1.0', 'hello-pack@0.2.0', '--out',
      twoVersions, '--registry', reg.url, '--token', reg.token]);
    tooLarge = await createOfflineBundle({ registry: client, specs: ['slack', 'hello-pack'],
      now: new Date(), maxBytes: slackBase64(file) + 1 }).then(
      () => undefined, (err: unknown) => err);
    // From here on there is no registry to reach.
    await reg.stop();
  });
  afterAll(stopAll);

  it('writes one file with the packs, signatures and keys', () => {
    expect(created.packs.map((p) => [p.id, p.version, p.sha256])).toEqual([
      ['hello-pack', '0.1.0', shas['hello-pack@0.1.0']],
      ['slack', '0.1.0', shas['slack@0.1.0']],
    ]);
    expect(created.keys).toBe(1);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.keys[0].public_key).toBe(key.publicPem);
    expect(sha256Hex(readFileSync(file))).toBe(created.file_sha256);
  });

  it('refuses to grow past its limit, naming the pack that passed it', () => {
    expect(tooLarge).toMatchObject({ code: 'offline_bundle_too_large',
      message: expect.stringMatching(
        /^hello-pack@0\.2\.0 takes the offline bundle past \d+ bytes, the most one file holds/),
    });
  });

  it('installs from the file with no network and writes cordum.lock', async () => {
    const project = mkdtempSync(join(tmpdir(), 'cordum-offline-project-'));
    const r = json<Installed>(await cordum(['bundle', 'install', file, '--project', project,
      '--json'], { env: { CORDUM_REGISTRY: 'http://127.0.0.1:9' } }));
    expect(r.file_sha256).toBe(created.file_sha256);
    expect(r.trust).toBe('the 1 key in the bundle');
    expect(r.installed.map((p) => [p.id, p.version, p.sha256]).sort()).toEqual([
      ['hello-pack', '0.1.0', shas['hello-pack@0.1.0']],
      ['slack', '0.1.0', shas['slack@0.1.0']],
    ]);
    const lock = JSON.parse(readFileSync(join(project, 'cordum.lock'), 'utf8'));
    expect(lock.packs.slack).toEqual({ version: '0.1.0', sha256: shas['slack@0.1.0'],
      key_id: key.keyId, source: 'offline:slack@0.1.0/tarball', range: '0.1.0' });
    expect(readFileSync(join(project, '.cordum', 'keys', `${key.keyId}.pem`), 'utf8'))
      .toBe(key.publicPem);
    expect(existsSync(join(project, '.cordum', 'packs', 'hello-pack', 'pack.yaml'))).toBe(true);
  });

  it('refuses two versions of one pack, and other bytes for a version the lock pins',
    async () => {
      const project = mkdtempSync(join(tmpdir(), 'cordum-offline-conflict-'));
      const two = await cordum(['bundle', 'install', twoVersions, '--project', project]);
      expect(two.code).toBe(1);
      expect(two.stderr).toMatch(
        /^error\[closure_conflict\]: hello-pack is asked for as 0\.1\.0 and as 0\.2\.0/m);
      expect(existsSync(join(project, 'cordum.lock'))).toBe(false);

      expect((await cordum(['bundle', 'install', file, '--project', project])).code).toBe(0);
      const lockPath = join(project, 'cordum.lock');
      const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
      lock.packs.slack.sha256 = 'ab'.repeat(32);
      writeFileSync(lockPath, JSON.stringify(lock));
      const again = await cordum(['bundle', 'install', file, 'slack@0.1.0', '--project', project]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/^error\[lock_mismatch\]: slack@0\.1\.0: /m);
      expect(JSON.parse(readFileSync(lockPath, 'utf8')).packs.slack.sha256).toBe('ab'.repeat(32));
    });

  it('refuses a tampered tarball and an untrusted key, writing nothing', async () => {
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const tgz = Buffer.from(doc.packs[1].tarball_base64, 'base64');
    tgz[tgz.length - 5] ^= 0xff;
    doc.packs[1].tarball_base64 = tgz.toString('base64');
    const tampered = join(work, 'tampered.json');
    writeFileSync(tampered, JSON.stringify(doc));
    const project = mkdtempSync(join(tmpdir(), 'cordum-offline-refused-'));
    const bad = await cordum(['bundle', 'install', tampered, '--project', project, '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error.code).toBe('digest_mismatch');
    expect(existsSync(join(project, 'cordum.lock'))).toBe(false);

    const stranger = generateKeyPair();
    writeFileSync(join(work, 'stranger.pub'), stranger.publicPem);
    const untrusted = await cordum(['bundle', 'install', file, '--project', project, '--key',
      join(work, 'stranger.pub'), '--json']);
    expect(JSON.parse(untrusted.stdout).error.code).toBe('signature_unknown_key');
    expect(existsSync(join(project, 'cordum.lock'))).toBe(false);

    const notBundle = join(work, 'not.json');
    writeFileSync(notBundle, '{"format":"something-else"}');
    const wrong = await cordum(['bundle', 'install', notBundle, '--project', project]);
    expect(wrong.stderr).toMatch(/^error\[offline_bundle_invalid\]: .*not an offline bundle/m);
  });
});

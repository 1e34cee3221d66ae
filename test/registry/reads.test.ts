import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { sha256Hex } from '../../packs/digest.js';
import type { KeyPair } from '../../packs/signing/keys.js';
import {
  raw, readProblem, registeredKey, signedFixture, startTestRegistry, type SignedPack,
  type TestRegistry,
} from './helpers.js';

describe.each(backends())('resolve, catalog and downloads ($name)', (backend) => {
  let reg: TestRegistry;
  let key: KeyPair;
  const hello: Record<string, SignedPack> = {};
  let github: SignedPack;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    key = await registeredKey(reg);
    for (const version of ['0.1.0', '0.2.0', '1.0.0', '1.1.0-beta.1', '0.2.1']) {
      hello[version] = await signedFixture('hello-pack', key, { version });
      await reg.admin.publish(hello[version]!.tgz, hello[version]!.bundle);
      reg.clock.advance(1000);
    }
    github = await signedFixture('github', key);
    await reg.admin.publish(github.tgz, github.bundle);
  });
  afterAll(async () => {
    await reg?.close();
  });

  it.each([
    ['^0.1.0', '0.1.0'],
    ['~0.2.0', '0.2.1'],
    ['0.2.0', '0.2.0'],
    ['*', '1.0.0'],
    ['>=1.1.0-beta.0', '1.1.0-beta.1'],
    ['', '1.0.0'],
  ])('resolves %j to %s', async (range, version) => {
    const resolved = await reg.admin.resolve('hello-pack', range);
    expect(resolved).toEqual({
      id: 'hello-pack',
      version,
      sha256: sha256Hex(hello[version]!.tgz),
      key_id: key.keyId,
      tarball_url: `${reg.url}/v1/packs/hello-pack/versions/${version}/tarball`,
      bundle_url: `${reg.url}/v1/packs/hello-pack/versions/${version}/bundle`,
    });
  });

  it.each(['^0.1 ||', '|| ^0.1', '^0.1 || || ^0.2', '||'])(
    'refuses %j, whose blank alternative would match 1.0.0, with 400', async (range) => {
      await expect(reg.admin.resolve('hello-pack', range)).rejects.toMatchObject({
        code: 'semver_invalid', status: 400,
        message: expect.stringContaining('empty alternative beside `||`'),
      });
    });

  it('refuses an invalid range with 400 and an unmet one with 404', async () => {
    await expect(reg.admin.resolve('hello-pack', 'not a range!')).rejects.toMatchObject({
      code: 'semver_invalid', status: 400,
    });
    await expect(reg.admin.resolve('no-such-pack', '>>1')).rejects.toMatchObject({
      code: 'semver_invalid', status: 400,
    });
    await expect(reg.admin.resolve('hello-pack', '^2.0.0')).rejects.toMatchObject({
      code: 'range_unsatisfied', status: 404,
    });
    await expect(reg.admin.resolve('no-such-pack', '*')).rejects.toMatchObject({
      code: 'pack_not_found', status: 404,
    });
  });

  it('lists versions newest first with the highest release as latest', async () => {
    const detail = await reg.admin.getPack('hello-pack');
    expect(detail.latest).toBe('1.0.0');
    expect(detail.versions.map((v) => v.version))
      .toEqual(['1.1.0-beta.1', '1.0.0', '0.2.1', '0.2.0', '0.1.0']);
  });

  it('serves the gateway catalog: latest versions, absolute URLs, sorted unions', async () => {
    const catalog = await reg.admin.catalog();
    expect(catalog.updated_at).toBe('2025-01-02T03:04:10.000Z');
    expect(catalog.packs).toEqual([
      {
        id: 'github',
        version: '0.1.0',
        title: 'GitHub',
        description: 'GitHub read/write operations with policy-gated workflows.',
        image: 'https://cdn.simpleicons.org/github',
        url: `${reg.url}/v1/packs/github/versions/0.1.0/tarball`,
        sha256: sha256Hex(github.tgz),
        capabilities: ['github.read', 'github.write'],
        requires: ['network:egress'],
        risk_tags: ['network', 'read', 'write'],
      },
      {
        id: 'hello-pack',
        version: '1.0.0',
        title: 'Hello Pack',
        description: 'Minimal pack that echoes workflow input.',
        url: `${reg.url}/v1/packs/hello-pack/versions/1.0.0/tarball`,
        sha256: sha256Hex(hello['1.0.0']!.tgz),
        capabilities: ['hello.echo'],
        requires: [],
        risk_tags: [],
      },
    ]);
    // The URL in the catalog downloads exactly the bytes its sha256 names.
    const bytes = Buffer.from(await (await raw(reg, new URL(catalog.packs[0]!.url).pathname))
      .arrayBuffer());
    expect(sha256Hex(bytes)).toBe(catalog.packs[0]!.sha256);
  });

  it('refuses to serve a blob that changed on disk', async () => {
    const sha256 = sha256Hex(hello['0.1.0']!.tgz);
    const path = reg.blobs.pathOf(sha256);
    const tampered = Buffer.from(hello['0.1.0']!.tgz);
    tampered[tampered.length - 5] ^= 0xff;
    writeFileSync(path, tampered);

    const res = await raw(reg, '/v1/packs/hello-pack/versions/0.1.0/tarball');
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = await readProblem(res);
    expect(body.code).toBe('blob_corrupt');
    expect(body.detail).toContain(sha256);
    // Other versions are unaffected.
    expect(await reg.admin.downloadTarball('hello-pack', '0.2.0')).toEqual(hello['0.2.0']!.tgz);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { sha256Hex } from '../../packs/digest.js';
import {
  blobFiles, registeredKey, signedFixture, startTestRegistry, versionRows, type TestRegistry,
} from './helpers.js';

describe.each(backends())('publish ($name)', (backend) => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
  });
  afterAll(async () => {
    await reg?.close();
  });

  it('publishes a signed pack and serves back the same bytes', async () => {
    const key = await registeredKey(reg);
    const pack = await signedFixture('hello-pack', key);
    const sha256 = sha256Hex(pack.tgz);

    const published = await reg.admin.publish(pack.tgz, pack.bundle);

    const base = `${reg.url}/v1/packs/hello-pack/versions/0.1.0`;
    expect(published).toEqual({
      id: 'hello-pack',
      version: '0.1.0',
      sha256,
      key_id: key.keyId,
      tarball_url: `${base}/tarball`,
      bundle_url: `${base}/bundle`,
    });
    expect(await reg.admin.downloadTarball('hello-pack', '0.1.0')).toEqual(pack.tgz);
    expect(await reg.admin.downloadBundle('hello-pack', '0.1.0')).toEqual(pack.bundle);
    expect(blobFiles(reg)).toEqual([sha256]);
    expect(await reg.blobs.tempFiles()).toEqual([]);

    const detail = await reg.admin.getPack('hello-pack');
    expect(detail).toMatchObject({ id: 'hello-pack', publisher: 'default', latest: '0.1.0',
      title: 'Hello Pack', description: 'Minimal pack that echoes workflow input.' });
    expect(detail.versions).toEqual([{ version: '0.1.0', sha256, key_id: key.keyId,
      size: pack.tgz.length, published_at: '2025-01-02T03:04:05.000Z',
      tarball_url: `${base}/tarball`, bundle_url: `${base}/bundle` }]);
    const version = await reg.admin.getVersion('hello-pack', '0.1.0');
    expect(version.manifest.metadata.id).toBe('hello-pack');
    expect((await reg.admin.getManifest('hello-pack', '0.1.0')).topics?.[0]?.name)
      .toBe('job.hello-pack.echo');
    expect(await reg.admin.listPacks()).toEqual({ packs: [{ id: 'hello-pack',
      publisher: 'default', latest: '0.1.0', title: 'Hello Pack',
      description: 'Minimal pack that echoes workflow input.' }] });
  });

  it('refuses a re-publish of id@version with 409 and changes nothing', async () => {
    const key = await registeredKey(reg);
    const first = await signedFixture('slack', key);
    await reg.admin.publish(first.tgz, first.bundle);
    const before = await versionRows(reg);
    const blobsBefore = blobFiles(reg);
    const detailBefore = await reg.admin.getPack('slack');

    // Same id@version, different bytes (and the very same bytes again).
    const other = await signedFixture('slack', key, {
      edit: (y) => y.replace(/description: .*/, 'description: changed'),
    });
    expect(sha256Hex(other.tgz)).not.toBe(sha256Hex(first.tgz));
    reg.clock.advance(60_000);
    for (const attempt of [other, first]) {
      await expect(reg.admin.publish(attempt.tgz, attempt.bundle)).rejects.toMatchObject({
        code: 'version_exists', status: 409,
      });
    }

    expect(await versionRows(reg)).toEqual(before);
    expect(blobFiles(reg)).toEqual(blobsBefore);
    expect(await reg.admin.getPack('slack')).toEqual(detailBefore);
    expect(await reg.admin.downloadTarball('slack', first.version)).toEqual(first.tgz);
  });
});

/**
 * Faults caused for real in process: 20 publishes of one id@version at
 * once, and a blob changed on disk after its publish.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { sha256Hex } from '../../packs/digest.js';
import { fsckRegistry } from '../../registry/commands/fsck.js';
import {
  blobFiles, publishForm, raw, readProblem, registeredKey, signedFixture, startTestRegistry,
  type TestRegistry,
} from './helpers.js';

describe.each(backends())('concurrent publishes and corrupt blobs ($name)', (backend) => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
  });
  afterAll(async () => {
    await reg?.close();
  });

  it('lets exactly one of 20 concurrent publishes of one id@version win', async () => {
    const key = await registeredKey(reg);
    const packs = await Promise.all(Array.from({ length: 20 }, (_, i) => signedFixture('slack',
      key, { edit: (y) => y.replace(/description: .*/, `description: attempt ${i}`) })));
    expect(new Set(packs.map((p) => sha256Hex(p.tgz))).size).toBe(20);

    const answers = await Promise.all(packs.map((p) => raw(reg, '/v1/packs', { method: 'POST',
      body: publishForm({ tarball: p.tgz, bundle: p.bundle }) })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const a of answers.filter((x) => x.status === 409)) {
      expect((await readProblem(a)).code).toBe('version_exists');
    }

    const winner = packs[statuses.indexOf(201)]!;
    expect(await reg.admin.downloadTarball(winner.id, winner.version)).toEqual(winner.tgz);
    const shas = new Set(packs.map((p) => sha256Hex(p.tgz)));
    expect(blobFiles(reg).filter((b) => shas.has(b))).toEqual([sha256Hex(winner.tgz)]);
    expect(await reg.blobs.tempFiles()).toEqual([]);
    const { entries } = await reg.admin.logEntries({ pack: winner.id });
    expect(entries.map((e) => e.entry.sha256)).toEqual([sha256Hex(winner.tgz)]);
  });

  it('refuses to serve a blob changed on disk, and fsck reports it', async () => {
    const key = await registeredKey(reg);
    const pack = await signedFixture('github', key);
    const published = await reg.admin.publish(pack.tgz, pack.bundle);
    expect((await fsckRegistry(reg.services, reg.dataDir)).problems).toEqual([]);

    const tampered = Buffer.from(pack.tgz);
    tampered[tampered.length - 9] ^= 0xff;
    writeFileSync(reg.blobs.pathOf(published.sha256), tampered);

    const res = await raw(reg, `/v1/packs/${pack.id}/versions/${pack.version}/tarball`);
    expect(res.status).toBe(500);
    expect(await readProblem(res)).toMatchObject({ code: 'blob_corrupt' });
    const report = await fsckRegistry(reg.services, reg.dataDir);
    expect(report.problems).toEqual([{ code: 'blob_corrupt', target: `${pack.id}@${pack.version}`,
      message: `blob sha256:${published.sha256} changed on disk: its bytes hash to sha256:${
        sha256Hex(tampered)}` }]);
    expect(report.versions).toBe(2);
    expect(report.log_size).toBe(4);
  });

  it('checks the npm packages made from versions too, and calls none of them orphans',
    async () => {
      const key = await registeredKey(reg);
      const pack = await signedFixture('hello-pack', key);
      await reg.admin.publish(pack.tgz, pack.bundle);
      const doc = await raw(reg, `/npm/@cordum-packs%2f${pack.id}`);
      expect(doc.status).toBe(200);
      const packument = (await doc.json()) as {
        versions: Record<string, { dist: { tarball: string; shasum: string } }> };
      const dist = packument.versions[pack.version]!.dist;
      const npmTgz = Buffer.from(await (await raw(reg, new URL(dist.tarball).pathname))
        .arrayBuffer());
      const before = await fsckRegistry(reg.services, reg.dataDir);
      expect(before.warnings.filter((w) => w.code === 'blob_orphan')).toEqual([]);

      const npmSha = sha256Hex(npmTgz);
      const tampered = Buffer.from(npmTgz);
      tampered[tampered.length - 9] ^= 0xff;
      writeFileSync(reg.blobs.pathOf(npmSha), tampered);
      const after = await fsckRegistry(reg.services, reg.dataDir);
      expect(after.problems).toContainEqual(expect.objectContaining({ code: 'blob_corrupt',
        target: `npm tarball of ${pack.id}@${pack.version}` }));
    });

  it('reports a logged publish whose version row is gone', async () => {
    const key = await registeredKey(reg);
    const pack = await signedFixture('github', key, { version: '7.7.7' });
    await reg.admin.publish(pack.tgz, pack.bundle);
    const row = [pack.id, pack.version];
    await reg.services.db.query(
      'DELETE FROM registry_npm_tarballs WHERE pack_id = $1 AND version = $2', row);
    await reg.services.db.query(
      'DELETE FROM registry_versions WHERE pack_id = $1 AND version = $2', row);
    const report = await fsckRegistry(reg.services, reg.dataDir);
    expect(report.problems).toContainEqual({ code: 'version_missing',
      target: `${pack.id}@${pack.version}`,
      message: 'the transparency log records its publish, but the version is not stored' });
  });
});


/**
 * catalog.json's `updated_at` dates the newest change to what the catalog
 * lists: a publish, and also a yank, its undoing and a move of the `latest`
 * dist-tag, each of which changes the version a gateway is offered. A write
 * that changes no entry leaves it as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { raw, registeredKey, signedFixture, startTestRegistry, type TestRegistry }
  from './helpers.js';

describe.each(backends())('catalog.json updated_at ($name)', (backend) => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    const key = await registeredKey(reg);
    for (const version of ['1.0.0', '1.1.0']) {
      const pack = await signedFixture('hello-pack', key, { version });
      await reg.admin.publish(pack.tgz, pack.bundle);
    }
  });
  afterAll(async () => {
    await reg?.close();
  });

  const put = async (path: string, body: unknown) => {
    const res = await raw(reg, path, { method: 'PUT', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' } });
    expect(res.status).toBeLessThan(300);
  };
  const catalog = async () => {
    const { updated_at: updatedAt, packs } = await reg.admin.catalog();
    return { updatedAt, version: packs[0]?.version };
  };
  /** Moves the clock on a minute and answers the new time. */
  const later = () => {
    reg.clock.advance(60_000);
    return reg.clock.now().toISOString();
  };

  it('moves with each change of the version listed, and only then', async () => {
    const published = (await catalog()).updatedAt;
    expect(published).toBe(reg.clock.now().toISOString());

    const yankedAt = later();
    await put('/v1/packs/hello-pack/versions/1.1.0/yank', { yanked: true, reason: 'bad' });
    expect(await catalog()).toEqual({ updatedAt: yankedAt, version: '1.0.0' });

    const restoredAt = later();
    await put('/v1/packs/hello-pack/versions/1.1.0/yank', { yanked: false });
    expect(await catalog()).toEqual({ updatedAt: restoredAt, version: '1.1.0' });

    const taggedAt = later();
    await put('/v1/packs/hello-pack/dist-tags/latest', { version: '1.0.0' });
    expect(await catalog()).toEqual({ updatedAt: taggedAt, version: '1.0.0' });

    // The same tag again changes no entry, so the catalog keeps its date.
    later();
    await put('/v1/packs/hello-pack/dist-tags/latest', { version: '1.0.0' });
    expect(await catalog()).toEqual({ updatedAt: taggedAt, version: '1.0.0' });
  });
});

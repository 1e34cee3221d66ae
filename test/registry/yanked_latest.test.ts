/**
 * A yanked version is never "latest": not in the pack listing, not in a
 * pack's detail, and not in the catalog a gateway installs from, which
 * leaves out a pack whose every version is yanked; such a pack's latest is
 * null.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import type { KeyPair } from '../../packs/signing/keys.js';
import {
  raw, registeredKey, signedFixture, startTestRegistry, type TestRegistry,
} from './helpers.js';

describe.each(backends())('yanked versions and latest ($name)', (backend) => {
  let reg: TestRegistry;
  let key: KeyPair;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    key = await registeredKey(reg);
    for (const version of ['1.0.0', '1.1.0']) {
      const pack = await signedFixture('hello-pack', key, { version });
      await reg.admin.publish(pack.tgz, pack.bundle);
    }
    const slack = await signedFixture('slack', key);
    await reg.admin.publish(slack.tgz, slack.bundle);
  });
  afterAll(async () => {
    await reg?.close();
  });

  const yank = async (id: string, version: string) => {
    const res = await raw(reg, `/v1/packs/${id}/versions/${version}/yank`, { method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ yanked: true, reason: 'bad' }) });
    expect(res.status).toBeLessThan(300);
  };
  const json = async (path: string) => (await raw(reg, path)).json() as Promise<{
    packs: { id: string; latest?: string | null; version?: string; url?: string }[];
    latest?: string | null;
  }>;

  it('names the latest version not yanked, and leaves fully yanked packs out of the catalog',
    async () => {
      await yank('hello-pack', '1.1.0');
      await yank('slack', '0.1.0');
      const listing = await json('/v1/packs');
      expect(listing.packs.find((p) => p.id === 'hello-pack')?.latest).toBe('1.0.0');
      // Still listed (its versions still download by exact version), with nothing latest.
      expect(listing.packs.find((p) => p.id === 'slack')?.latest).toBeNull();
      expect((await json('/v1/packs/slack')).latest).toBeNull();
      expect((await json('/v1/packs/hello-pack')).latest).toBe('1.0.0');
      const catalog = await json('/v1/catalog.json');
      expect(catalog.packs.map((p) => p.id)).toEqual(['hello-pack']);
      expect(catalog.packs[0]!.version).toBe('1.0.0');
      expect(catalog.packs[0]!.url).toContain('/versions/1.0.0/');
    });

  it('logs a yank once: yanking again or restoring what is not yanked changes nothing',
    async () => {
    const put = (body: object) => raw(reg, '/v1/packs/hello-pack/versions/1.0.0/yank', {
      method: 'PUT', headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body) });
    const entries = async () => (await reg.admin.logEntries({ pack: 'hello-pack' })).entries
      .map((e) => e.entry.kind);
    const before = (await entries()).length;
    expect((await put({ yanked: false })).status).toBe(200);
    expect((await put({ yanked: true, reason: 'first' })).status).toBe(200);
    const again = await put({ yanked: true, reason: 'second' });
    expect(((await again.json()) as { reason: string }).reason).toBe('first');
    expect((await entries()).length).toBe(before + 1);
    expect((await put({ yanked: true, reason: 123 })).status).toBe(400);
  });

  it('refuses a reason past 1000 characters, as a deprecation message, storing no yank',
    async () => {
      const path = '/v1/packs/hello-pack/versions/1.1.0/yank';
      const before = (await reg.admin.logEntries({ pack: 'hello-pack' })).entries.length;
      const status = await (await raw(reg, path)).json();
      const res = await raw(reg, path, { method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ yanked: true, reason: 'x'.repeat(1001) }) });
      expect([res.status, ((await res.json()) as { detail: string }).detail]).toEqual([400,
        '`reason` must be a string of at most 1000 characters']);
      expect(await (await raw(reg, path)).json()).toEqual(status);
      expect((await reg.admin.logEntries({ pack: 'hello-pack' })).entries.length).toBe(before);
    });
});


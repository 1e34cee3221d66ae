/**
 * `GET /v1/log/entries` with a filter (`pack`, `sha256`, `key_id`) takes
 * `start` and `end` as the plain range does, so a client can page through
 * more matches than one page holds; and a `key_id` that is no key id is
 * refused as a malformed `sha256` is, not answered "no entries".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyIdOf } from '../../packs/signing/keys.js';
import { backends } from '../helpers/databases.js';
import {
  raw, readProblem, registeredKey, signedFixture, startTestRegistry, type TestRegistry,
} from './helpers.js';

describe.each(backends())('log entries by filter and range ($name)', (backend) => {
  let reg: TestRegistry;
  let keyId: string;
  /** Indexes of hello-pack's three publishes, oldest first. */
  let published: number[];

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    const key = await registeredKey(reg);
    keyId = keyIdOf(key.publicPem);
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) {
      const pack = await signedFixture('hello-pack', key, { version });
      await reg.admin.publish(pack.tgz, pack.bundle);
    }
    published = (await reg.admin.logEntries({ pack: 'hello-pack' })).entries.map((e) => e.index);
    expect(published).toHaveLength(3);
  });
  afterAll(async () => {
    await reg?.close();
  });

  const indexes = async (query: Record<string, string | number>) =>
    (await reg.admin.logEntries(query)).entries.map((e) => e.index);

  it.each([
    { name: 'start', range: (p: number[]) => ({ start: p[1]! }), want: [1, 2] },
    { name: 'end', range: (p: number[]) => ({ end: p[1]! }), want: [0] },
    { name: 'start and end', range: (p: number[]) => ({ start: p[1]!, end: p[2]! }),
      want: [1] },
    { name: 'a start past every match', range: (p: number[]) => ({ start: p[2]! + 1 }),
      want: [] },
  ])('pack with $name: only the matches in the range', async ({ range, want }) => {
    expect(await indexes({ pack: 'hello-pack', ...range(published) }))
      .toEqual(want.map((i) => published[i]));
  });

  it('key_id with start: the key\'s entries from there on', async () => {
    const all = await indexes({ key_id: keyId });
    expect(all.length).toBeGreaterThan(3);
    expect(await indexes({ key_id: keyId, start: published[1]! }))
      .toEqual(all.filter((i) => i >= published[1]!));
  });

  it.each([
    { name: 'upper case', value: () => keyId.toUpperCase() },
    { name: 'a prefix', value: () => keyId.slice(0, 12) },
    { name: 'not hex', value: () => 'z'.repeat(64) },
  ])('refuses a key_id that is $name', async ({ value }) => {
    const res = await raw(reg, `/v1/log/entries?key_id=${value()}`);
    expect(res.status).toBe(400);
    const problem = await readProblem(res);
    expect(problem.code).toBe('request_invalid');
    expect(problem.detail).toBe('`key_id` must be 64 lower-case hex digits');
  });

  it.each(['', 'pack=hello-pack&'])('refuses an end before start (%s), not answers none',
    async (filter) => {
      const res = await raw(reg, `/v1/log/entries?${filter}start=3&end=1`);
      expect([res.status, (await readProblem(res)).detail])
        .toEqual([400, '`end` 1 is before `start` 3']);
      expect((await raw(reg, `/v1/log/entries?${filter}start=3&end=3`)).status).toBe(200);
    });

  it('refuses a start that is no index, with a filter too', async () => {
    const res = await raw(reg, '/v1/log/entries?pack=hello-pack&start=-1');
    expect(res.status).toBe(400);
    expect((await readProblem(res)).detail).toBe('`start` must be a non-negative integer');
  });

  it.each(['pack', 'version'])('refuses a %s holding a NUL with 400, not a database error',
    async (name) => {
      const res = await raw(reg, `/v1/log/entries?${name}=hello-pack%00`);
      expect([res.status, await readProblem(res)]).toEqual([400, expect.objectContaining({
        code: 'request_invalid', detail: `\`${name}\` holds a NUL character (%00), which no ` +
          'pack id, version or digest may contain' })]);
    });
});

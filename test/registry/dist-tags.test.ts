/**
 * `PUT /v1/packs/:id/dist-tags/:tag` (registry/routes/dist_tags.ts): a tag
 * names one published version; anything else is refused naming `version`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import {
  raw, readProblem, registeredKey, signedFixture, startTestRegistry, type TestRegistry,
} from './helpers.js';

describe('setting a dist-tag', () => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startTestRegistry(pgliteBackend);
    const pack = await signedFixture('hello-pack', await registeredKey(reg), { version: '1.0.0' });
    await reg.admin.publish(pack.tgz, pack.bundle);
  });
  afterAll(async () => {
    await reg?.close();
  });

  const put = (body: object) => raw(reg, '/v1/packs/hello-pack/dist-tags/stable', {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it.each([
    [{ version: '^1' }, 400, '`version` must be one version such as 1.2.3, not "^1"'],
    [{ version: 'v1.0.0' }, 400, '`version` must be one version such as 1.2.3, not "v1.0.0"'],
    [{ version: 'latest' }, 400, '`version` must be one version such as 1.2.3, not "latest"'],
    [{ version: 1 }, 400, '`version` must be one version such as 1.2.3, not 1'],
    [{}, 400, '`version` must be one version such as 1.2.3, not null'],
    [{ version: '9.9.9' }, 404, 'hello-pack@9.9.9 is not published here'],
  ])('refuses %j with %i', async (body, status, detail) => {
    const res = await put(body);
    expect([res.status, (await readProblem(res)).detail]).toEqual([status, detail]);
  });

  it('points the tag at a published version', async () => {
    expect((await put({ version: '1.0.0' })).status).toBe(200);
  });
});

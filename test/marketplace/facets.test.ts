/**
 * The filter choices on the home page (facets) follow what search finds: a
 * yank or a `latest` dist-tag that changes a pack's latest version changes
 * the counts at once, not only at the next publish.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { registeredKey, startTestRegistry, type TestRegistry } from '../registry/helpers.js';
import { api, page, publishFixture, withMetadata } from './helpers.js';

describe.each(backends())('marketplace facets ($name)', (backend) => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    const key = await registeredKey(reg);
    await publishFixture(reg, key, 'hello-pack', { edit: withMetadata('license', 'MIT') });
    await publishFixture(reg, key, 'hello-pack', { version: '0.2.0',
      edit: withMetadata('license', 'Apache-2.0') });
    await publishFixture(reg, key, 'slack', { edit: withMetadata('license', 'MIT') });
  });
  afterAll(async () => {
    await reg?.close();
  });

  /** The licence filter's choices on the home page, with their pack counts. */
  const licenses = async () => {
    const home = await page(reg, '/marketplace/');
    expect(home.status).toBe(200);
    const select = /<select id="f-license"[^]*?<\/select>/.exec(home.text)![0];
    return Object.fromEntries([...select.matchAll(/<option value="([^"]+)">[^(<]*\((\d+)\)/g)]
      .map((m) => [m[1], Number(m[2])]));
  };
  const put = async (path: string, body: unknown) =>
    expect((await api(reg, 'PUT', path, body)).status).toBe(200);

  it('counts again after a yank, its undoing and a move of the latest tag', async () => {
    expect(await licenses()).toEqual({ 'Apache-2.0': 1, MIT: 1 });

    await put('/v1/packs/slack/versions/0.1.0/yank', { yanked: true, reason: 'gone' });
    expect(await licenses()).toEqual({ 'Apache-2.0': 1 });

    await put('/v1/packs/slack/versions/0.1.0/yank', { yanked: false });
    expect(await licenses()).toEqual({ 'Apache-2.0': 1, MIT: 1 });

    await put('/v1/packs/hello-pack/dist-tags/latest', { version: '0.1.0' });
    expect(await licenses()).toEqual({ MIT: 2 });
  });
});

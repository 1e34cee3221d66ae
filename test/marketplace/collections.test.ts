import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { createToken } from '../../registry/store/tokens.js';
import { registeredKey, startTestRegistry, type TestRegistry } from '../registry/helpers.js';
import { api, page, publishFixture, textOf } from './helpers.js';

const FEATURED = { title: 'Featured', description: 'Packs we like.', position: 1,
  packs: ['slack', 'hello-pack'] };

describe.each(backends())('curated collections ($name)', (backend) => {
  let reg: TestRegistry;
  let publisherToken: string;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    const key = await registeredKey(reg);
    for (const name of ['hello-pack', 'slack', 'github']) await publishFixture(reg, key, name);
    publisherToken = (await createToken(reg.services.db, { publisher: 'default',
      scopes: ['publish'] }, reg.clock.now())).secret;
  });
  afterAll(async () => {
    await reg?.close();
  });

  it('lets an admin make a collection that the home page shows in the given order', async () => {
    const put = await api(reg, 'PUT', '/v1/marketplace/collections/featured', FEATURED);
    expect(put).toEqual({ status: 200, json: { slug: 'featured', title: 'Featured',
      packs: ['slack', 'hello-pack'] } });
    const list = await api(reg, 'GET', '/v1/marketplace/collections');
    expect(list.json).toEqual({ collections: [{ slug: 'featured', title: 'Featured',
      description: 'Packs we like.', position: 1, packs: ['slack', 'hello-pack'],
      updated_at: '2025-01-02T03:04:05.000Z' }] });

    const home = await page(reg, '/marketplace/');
    const section = home.text.slice(home.text.indexOf('id="collection-featured"'),
      home.text.indexOf('id="results-title"'));
    expect([...section.matchAll(/data-pack="([\w-]+)"/g)].map((m) => m[1]))
      .toEqual(['slack', 'hello-pack']);
    const one = await page(reg, '/marketplace/collections/featured');
    expect(textOf(one.text, 'main'))
      .toMatch(/^Collections \/ featured Featured Packs we like\. Slack/);
    const all = await page(reg, '/marketplace/collections');
    expect(textOf(all.text, 'main')).toContain('Featured (2 packs) — Packs we like.');
  });

  it('replaces a collection, and hides collections while a search is under way', async () => {
    await api(reg, 'PUT', '/v1/marketplace/collections/featured', { ...FEATURED,
      packs: ['github'] });
    expect((await api(reg, 'GET', '/v1/marketplace/collections/featured')).json.packs)
      .toEqual(['github']);
    const search = await page(reg, '/marketplace/?q=slack');
    expect(search.text).not.toContain('id="collection-featured"');
  });

  it.each([
    ['an unknown pack', 'featured', { title: 'T', packs: ['nope'] }, 404, 'pack_not_found'],
    ['a bad slug', 'Bad_Slug', { title: 'T', packs: [] }, 400, 'request_invalid'],
    ['no title', 'x', { packs: [] }, 400, 'request_invalid'],
    ['packs that are not ids', 'x', { title: 'T', packs: [1] }, 400, 'request_invalid'],
    ['an unknown field', 'x', { title: 'T', packs: [], colour: 'red' }, 400, 'request_invalid'],
  ])('refuses %s and changes nothing', async (_what, slug, body, status, code) => {
    const before = await api(reg, 'GET', '/v1/marketplace/collections');
    const res = await api(reg, 'PUT', `/v1/marketplace/collections/${slug}`, body);
    expect([res.status, res.json.code]).toEqual([status, code]);
    expect(await api(reg, 'GET', '/v1/marketplace/collections')).toEqual(before);
  });

  it('names an unknown field as every other registry body does, with the field meant', async () => {
    const res = await api(reg, 'PUT', '/v1/marketplace/collections/x',
      { titel: 'T', packs: [] });
    expect(res.json).toMatchObject({ status: 400, code: 'request_invalid',
      detail: 'body.titel: unknown field; did you mean title?' });
  });

  it('is for admins only', async () => {
    const path = '/v1/marketplace/collections/mine';
    expect((await api(reg, 'PUT', path, { title: 'T', packs: [] }, publisherToken)).json.code)
      .toBe('forbidden');
    expect((await api(reg, 'PUT', path, { title: 'T', packs: [] }, '')).status).toBe(401);
    expect((await api(reg, 'PUT', '/v1/marketplace/publishers/default/verification', {},
      publisherToken)).status).toBe(403);
  });

  it('deletes a collection once', async () => {
    expect((await api(reg, 'DELETE', '/v1/marketplace/collections/featured')).status).toBe(204);
    expect((await api(reg, 'DELETE', '/v1/marketplace/collections/featured')).json.code)
      .toBe('not_found');
    expect((await page(reg, '/marketplace/collections/featured')).status).toBe(404);
  });

  it('shows a publisher page with its packs and keys', async () => {
    const res = await page(reg, '/marketplace/publishers/default');
    expect(res.status).toBe(200);
    const main = textOf(res.text, 'main');
    expect(main).toContain('Packs (3)');
    expect(main).toMatch(/Signing keys \(1\) Key id Registered Public key [0-9a-f]{64} 2025-01-02/);
    expect((await page(reg, '/marketplace/publishers/nobody')).status).toBe(404);
  });
});

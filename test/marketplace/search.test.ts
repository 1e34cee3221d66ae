import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { registeredKey, startTestRegistry, type TestRegistry } from '../registry/helpers.js';
import { recordDownload } from '../../registry/marketplace/store/downloads.js';
import { parseSearch, tsQueryText } from '../../registry/marketplace/search/query.js';
import { searchPacks } from '../../registry/marketplace/search/sql.js';
import { loadFacets } from '../../registry/marketplace/search/facets.js';
import { resultsHtml } from '../../registry/marketplace/pages/home.js';
import { api, page, publishFixture, withMetadata } from './helpers.js';

const ids = (packs: unknown) => (packs as { id: string }[]).map((p) => p.id);

describe.each(backends())('marketplace search ($name)', (backend) => {
  let reg: TestRegistry;
  const search = async (query: string) => {
    const res = await api(reg, 'GET', `/v1/marketplace/search?${query}`);
    expect(res.status).toBe(200);
    return res.json as { total: number; packs: { id: string; version: string }[] };
  };

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    const key = await registeredKey(reg);
    const acme = await registeredKey(reg, 'acme');
    const step = () => reg.clock.advance(60_000);
    await publishFixture(reg, key, 'hello-pack', { edit: withMetadata('license', 'Apache-2.0') });
    step();
    await publishFixture(reg, acme, 'slack', { publisher: 'acme',
      edit: withMetadata('license', 'MIT') });
    step();
    await publishFixture(reg, key, 'demo-guardrails');
    step();
    await publishFixture(reg, key, 'github');
    step();
    await publishFixture(reg, key, 'github', { version: '0.2.0',
      edit: (y) => y.replace(/description: .*/, 'description: Issues and pull requests.') });
    step();
    await publishFixture(reg, key, 'github', { version: '0.3.0-rc.1',
      edit: (y) => y.replace(/description: .*/, 'description: Zebra preview.') });
  });
  afterAll(async () => {
    await reg?.close();
  });

  it.each([
    ['an id', 'q=hello', ['hello-pack']],
    ['a title word', 'q=guardrails', ['demo-guardrails']],
    ['a description word', 'q=chatops', ['slack']],
    ['a topic name', 'q=job.slack.write', ['slack']],
    ['part of a capability', 'q=dangerous', ['demo-guardrails']],
    ['a requirement', 'q=egress', ['github', 'slack']],
    ['a prefix, as while typing', 'q=gith', ['github']],
    ['all words at once', 'q=network%20slack', ['slack']],
    ['nothing for an unknown word', 'q=kubernetes', []],
  ])('finds packs by %s', async (_what, query, expected) => {
    expect(ids((await search(query)).packs)).toEqual(expected);
  });

  it('searches only the latest version (a pre-release is not latest)', async () => {
    expect((await search('q=pull')).packs).toMatchObject([{ id: 'github', version: '0.2.0' }]);
    expect((await search('q=operations')).packs).toEqual([]);
    expect((await search('q=zebra')).packs).toEqual([]);
  });

  it('takes the latest version as every other view does: the latest tag, then not yanked',
    async () => {
      const tag = '/v1/packs/github/dist-tags/latest';
      expect((await api(reg, 'PUT', tag, { version: '0.3.0-rc.1' })).status).toBe(200);
      expect((await search('q=zebra')).packs).toMatchObject([
        { id: 'github', version: '0.3.0-rc.1' }]);
      expect((await search('q=pull')).packs).toEqual([]);
      expect((await api(reg, 'DELETE', tag)).status).toBe(204);
      // 0.2.0 yanked: 0.1.0 (the highest release left) is what search shows.
      const yank = '/v1/packs/github/versions/0.2.0/yank';
      expect((await api(reg, 'PUT', yank, { yanked: true, reason: 'test' })).status).toBe(200);
      expect((await search('q=operations')).packs).toMatchObject([
        { id: 'github', version: '0.1.0' }]);
      // Every version yanked: nothing is latest, and search finds nothing.
      const others = ['0.1.0', '0.3.0-rc.1'].map((v) => `/v1/packs/github/versions/${v}/yank`);
      for (const y of others) {
        expect((await api(reg, 'PUT', y, { yanked: true })).status).toBe(200);
      }
      expect((await search('q=github')).packs).toEqual([]);
      for (const y of others) {
        expect((await api(reg, 'PUT', y, { yanked: false })).status).toBe(200);
      }
      expect((await api(reg, 'PUT', yank, { yanked: false })).status).toBe(200);
      expect((await search('q=pull')).packs).toMatchObject([{ id: 'github', version: '0.2.0' }]);
    });

  it.each([
    ['capability', 'capability=slack.write', ['slack']],
    ['risk tag', 'risk=prod', ['demo-guardrails']],
    ['publisher', 'publisher=acme', ['slack']],
    ['license', 'license=Apache-2.0', ['hello-pack']],
    ['risk tag and words', 'risk=read&q=approval', ['slack']],
  ])('filters by %s', async (_what, query, expected) => {
    expect(ids((await search(query)).packs)).toEqual(expected);
  });

  it('filters by verified publisher once an admin verifies one', async () => {
    expect((await search('verified=1')).packs).toEqual([]);
    const put = await api(reg, 'PUT', '/v1/marketplace/publishers/acme/verification',
      { note: 'checked the domain' });
    expect(put).toEqual({ status: 200, json: { publisher: 'acme', verified: true,
      note: 'checked the domain' } });
    expect(ids((await search('verified=1')).packs)).toEqual(['slack']);
    const home = await page(reg, '/marketplace/?verified=1&partial=results');
    expect(home.text).toContain('<span class="badge-verified"');
    expect((await api(reg, 'DELETE', '/v1/marketplace/publishers/acme/verification')).status)
      .toBe(204);
    expect((await search('verified=1')).packs).toEqual([]);
  });

  it('sorts by name, newest and most installed', async () => {
    expect(ids((await search('sort=name')).packs))
      .toEqual(['github', 'demo-guardrails', 'hello-pack', 'slack']);
    expect(ids((await search('sort=newest')).packs))
      .toEqual(['github', 'demo-guardrails', 'slack', 'hello-pack']);
    for (let i = 0; i < 3; i++) await recordDownload(reg.services.db, 'slack', '0.1.0');
    await recordDownload(reg.services.db, 'hello-pack', '0.1.0');
    expect(ids((await search('sort=installs')).packs))
      .toEqual(['slack', 'hello-pack', 'demo-guardrails', 'github']);
  });

  it('pages results and counts them all', async () => {
    const db = reg.services.db;
    const first = await searchPacks(db, { ...parseSearch({ sort: 'name' }), perPage: 3 });
    const second = await searchPacks(db, { ...parseSearch({ sort: 'name', page: '2' }),
      perPage: 3 });
    expect([first.total, ids(first.hits), ids(second.hits)])
      .toEqual([4, ['github', 'demo-guardrails', 'hello-pack'], ['slack']]);
    // Past the last page there are no hits, and still four packs in all.
    const past = await searchPacks(db, { ...parseSearch({ sort: 'name', page: '9' }),
      perPage: 3 });
    expect([past.total, past.hits]).toEqual([4, []]);
    const html = resultsHtml({ ...parseSearch({ q: 'a', page: '2' }), perPage: 3 }, second).value;
    expect(html).toContain('<a href="/marketplace/?q=a" rel="prev">Previous</a>');
    expect(html).toContain('<a href="/marketplace/?q=a&amp;page=2" aria-current="page">2</a>');
  });

  it('counts facet values over packs', async () => {
    const facets = await loadFacets(reg.services.db);
    expect(facets.risk).toEqual([
      { value: 'network', packs: 2 }, { value: 'read', packs: 2 }, { value: 'write', packs: 3 },
      { value: 'prod', packs: 1 },
    ].sort((a, b) => b.packs - a.packs || a.value.localeCompare(b.value)));
    expect(facets.publisher).toEqual([{ value: 'default', packs: 3 }, { value: 'acme', packs: 1 }]);
    expect(facets.license).toEqual([{ value: 'Apache-2.0', packs: 1 }, { value: 'MIT', packs: 1 }]);
  });

  it.each([
    ['sort=evil', 'sort: expected one of relevance, name, newest, installs, not "evil"'],
    ['page=-1', 'page: expected a whole number from 1 to 10000, not "-1"'],
    ['page=1.5', 'page: expected a whole number from 1 to 10000, not "1.5"'],
    ['verified=yes', 'verified: expected 1 (only verified publishers) or 0, not "yes"'],
    ['verified=true', 'verified: expected 1 (only verified publishers) or 0, not "true"'],
    ['page=1&page=2', 'page: give it once'],
    ['q=slack&q=github', 'q: give it once'],
  ])('refuses %s in the JSON API', async (query, detail) => {
    const res = await api(reg, 'GET', `/v1/marketplace/search?${query}`);
    expect([res.status, res.json.code, res.json.detail]).toEqual([400, 'request_invalid', detail]);
  });

  it('never lets search text become tsquery syntax', async () => {
    expect(tsQueryText("a & b | !c:* 'd' (e)")).toBe('a:* & b:* & c:* & d:* & e:*');
    expect((await search(`q=${encodeURIComponent("slack & | ! ( ' :*")}`)).packs)
      .toMatchObject([{ id: 'slack' }]);
    expect((await search('q=%00%01')).total).toBe(4);
  });

  it.each(['capability', 'risk', 'publisher', 'license'])(
    'answers a %s filter holding a NUL with no packs, not a database error', async (name) => {
      expect(await search(`${name}=slack%00`)).toMatchObject({ total: 0, packs: [] });
      const html = await page(reg, `/marketplace/?${name}=slack%00`);
      expect(html.status).toBe(200);
      expect(html.text).toContain('data-summary="0 packs"');
    });

  it('keeps the search in the URL of the page and fills the form back', async () => {
    const res = await page(reg, '/marketplace/?q=slack&risk=write&sort=newest');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<input id="q" type="search" name="q" value="slack"');
    expect(res.text).toContain('<option value="write" selected>write (3)');
    expect(res.text).toContain('<option value="newest" selected>Newest</option>');
    expect(res.text).toContain('data-summary="1 pack matches “slack”"');
    const fragment = await page(reg, '/marketplace/?q=slack&partial=results');
    expect(fragment.text.startsWith('<p class="summary"')).toBe(true);
    expect(fragment.text).toContain('<li class="card" data-pack="slack">');
  });
});

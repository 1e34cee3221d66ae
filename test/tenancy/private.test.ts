/**
 * Private packs: to a caller outside the publisher, every read route that
 * names a private pack answers byte for byte as for an id nobody published;
 * listings, the catalog and search leave it out. Members and admins see it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { createToken } from '../../registry/store/tokens.js';
import { ADMIN_TOKEN, send, startTenants, type Tenants } from './helpers.js';

const HIDDEN = 'hello-pack';
const ABSENT = 'ghost-pack';
const V = '0.1.0';

/** Every read route that names a pack: method, path for pack `id`, JSON body. */
const READS: [string, string, (id: string) => string, unknown?][] = [
  ['pack', 'GET', (id) => `/v1/packs/${id}`],
  ['resolve', 'GET', (id) => `/v1/packs/${id}/resolve?range=^0.1`],
  ['resolve by tag', 'GET', (id) => `/v1/packs/${id}/resolve?range=stable`],
  ['resolve, bad range', 'GET', (id) => `/v1/packs/${id}/resolve?range=bad%20range`],
  ['dist-tags', 'GET', (id) => `/v1/packs/${id}/dist-tags`],
  ['changelog', 'GET', (id) => `/v1/packs/${id}/changelog`],
  ['version', 'GET', (id) => `/v1/packs/${id}/versions/${V}`],
  ['manifest', 'GET', (id) => `/v1/packs/${id}/versions/${V}/manifest`],
  ['tarball', 'GET', (id) => `/v1/packs/${id}/versions/${V}/tarball`],
  ['bundle', 'GET', (id) => `/v1/packs/${id}/versions/${V}/bundle`],
  ['yank state', 'GET', (id) => `/v1/packs/${id}/versions/${V}/yank`],
  ['deprecation', 'GET', (id) => `/v1/packs/${id}/versions/${V}/deprecation`],
  ['upstream log', 'GET', (id) => `/v1/packs/${id}/versions/${V}/log/upstream`],
  ['simulate', 'POST', (id) => `/v1/packs/${id}/versions/${V}/simulate`,
    { topic: 'job.hello-pack.echo' }],
  ['npm packument', 'GET', (id) => `/npm/@cordum-packs%2f${id}`],
  ['npm packument, slash', 'GET', (id) => `/npm/@cordum-packs/${id}`],
  ['npm tarball', 'GET', (id) => `/npm/@cordum-packs/${id}/-/${id}-${V}.tgz`],
  ['marketplace page', 'GET', (id) => `/marketplace/packs/${id}`],
  ['marketplace version page', 'GET', (id) => `/marketplace/packs/${id}/versions/${V}`],
  ['marketplace changelog', 'GET', (id) => `/marketplace/packs/${id}/changelog`],
  ['marketplace image', 'GET', (id) => `/marketplace/packs/${id}/versions/${V}/files/icon.png`],
];

const MEMBER_STATUS: Record<string, number> = { changelog: 400, 'marketplace image': 404 };

async function answer(res: Response, id: string) {
  const text = (await res.text()).replaceAll(id, '<id>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
  return { status: res.status, type: res.headers.get('content-type'), text };
}

describe.each(backends())('private packs ($name)', (backend) => {
  let t: Tenants;

  beforeAll(async () => {
    t = await startTenants(backend);
    await send(t.reg, t.acme, 'PUT', `/v1/packs/${HIDDEN}/dist-tags/stable`, { version: V });
  });
  afterAll(async () => {
    await t?.reg.close();
  });

  it.each(READS)('%s: an outsider gets the answer of an unknown id', async (_n, m, path, body) => {
    const hidden = await answer(await send(t.reg, t.outsider, m, path(HIDDEN), body), HIDDEN);
    const absent = await answer(await send(t.reg, t.outsider, m, path(ABSENT), body), ABSENT);
    expect(hidden).toEqual(absent);
    expect(hidden.status).toBeGreaterThanOrEqual(400);
  });

  it.each(READS.filter(([n]) => n !== 'resolve, bad range'))('%s: a member reads it',
    async (_n, m, path, body) => {
      // Answers of the route itself: one version has no changelog, the pack has no icon.
      const expected = MEMBER_STATUS[_n] ?? 200;
      for (const token of [t.carol, t.acme, ADMIN_TOKEN]) {
        const res = await send(t.reg, token, m, path(HIDDEN), body);
        const text = await res.text();
        expect(res.status).toBe(expected);
        expect(text).not.toMatch(/no pack "hello-pack"|is not published here|no npm tarball/);
      }
    });

  it('leaves the pack out of listings, the catalog and search for outsiders only', async () => {
    const ids = async (token: string) => {
      const packs = (await (await send(t.reg, token, 'GET', '/v1/packs')).json()) as
        { packs: { id: string }[] };
      const catalog = (await (await send(t.reg, token, 'GET', '/v1/catalog.json')).json()) as
        { packs: { id: string }[] };
      const search = (await (await send(t.reg, token, 'GET',
        '/v1/marketplace/search?q=pack')).json()) as { packs: { id: string }[] };
      const page = await (await send(t.reg, token, 'GET', '/marketplace/?q=hello')).text();
      return { packs: packs.packs.map((p) => p.id), catalog: catalog.packs.map((p) => p.id),
        search: search.packs.map((p) => p.id).filter((id) => id === HIDDEN),
        page: page.includes(`/marketplace/packs/${HIDDEN}`) };
    };
    expect(await ids(t.outsider)).toEqual({ packs: ['demo-guardrails'],
      catalog: ['demo-guardrails'], search: [], page: false });
    const seen = { packs: ['demo-guardrails', HIDDEN], catalog: ['demo-guardrails', HIDDEN],
      search: [HIDDEN], page: true };
    expect(await ids(t.carol)).toEqual(seen);
    expect(await ids(ADMIN_TOKEN)).toEqual(seen);
  });

  it('answers writes on a hidden pack as for an unknown one', async () => {
    const res = await send(t.reg, t.outsider, 'PUT', `/v1/packs/${HIDDEN}/visibility`,
      { private: false });
    expect(res.status).toBe(403);
    const other = await send(t.reg, ADMIN_TOKEN, 'PUT', `/v1/packs/${ABSENT}/visibility`,
      { private: false });
    expect((await other.json() as { code: string }).code).toBe('pack_not_found');
  });

  it('answers a yank of a hidden pack as for an unknown one, whatever the version', async () => {
    const stranger = (await createToken(t.reg.services.db, { publisher: 'beta',
      scopes: ['read', 'publish'] }, t.reg.clock.now())).secret;
    const answers = [];
    for (const path of [`${HIDDEN}/versions/${V}`, `${HIDDEN}/versions/9.9.9`,
      `${ABSENT}/versions/${V}`]) {
      const res = await send(t.reg, stranger, 'PUT', `/v1/packs/${path}/yank`, { yanked: true });
      answers.push([res.status, ((await res.json()) as { code: string }).code]);
    }
    expect(answers).toEqual([[404, 'pack_not_found'], [404, 'pack_not_found'],
      [404, 'pack_not_found']]);
    const still = await send(t.reg, ADMIN_TOKEN, 'GET', `/v1/packs/${HIDDEN}/versions/${V}/yank`);
    expect(((await still.json()) as { yanked: boolean }).yanked).toBe(false);
  });

  it('keeps a deployment that names a hidden pack absent to outsiders', async () => {
    for (const [name, packs] of [['acme-prod', [{ id: HIDDEN, range: '^0.1' }]],
      ['open', [{ id: 'demo-guardrails', range: '*' }]]] as const) {
      const made = await send(t.reg, ADMIN_TOKEN, 'PUT', `/v1/deployments/${name}`, { packs });
      expect(made.status).toBe(200);
    }
    const routes = (name: string): [string, string, unknown?][] => [
      ['GET', `/v1/deployments/${name}`],
      ['GET', `/v1/deployments/${name}/policy-bundles`],
      ['GET', `/v1/deployments/${name}/policy-bundles/ops`],
      ['POST', `/v1/deployments/${name}/decisions`, { topic: 'job.hello-pack.echo' }],
    ];
    const absent = await Promise.all(routes('nobody').map(async ([m, path, body]) =>
      answer(await send(t.reg, t.outsider, m, path, body), 'nobody')));
    const hidden = await Promise.all(routes('acme-prod').map(async ([m, path, body]) =>
      answer(await send(t.reg, t.outsider, m, path, body), 'acme-prod')));
    expect(hidden).toEqual(absent);
    expect(hidden.map((a) => a.status)).toEqual([404, 404, 404, 404]);
    const names = async (token: string) => ((await (await send(t.reg, token, 'GET',
      '/v1/deployments')).json()) as { deployments: { name: string }[] }).deployments
      .map((d) => d.name).sort();
    expect(await names(t.outsider)).toEqual(['open']);
    expect(await names(t.carol)).toEqual(['acme-prod', 'open']);
    expect(await names(ADMIN_TOKEN)).toEqual(['acme-prod', 'open']);
    const seen = await send(t.reg, t.carol, 'GET', '/v1/deployments/acme-prod');
    expect(seen.status).toBe(200);
  });

  it('leaves a hidden pack out of collections for outsiders and of public counts', async () => {
    const made = await send(t.reg, ADMIN_TOKEN, 'PUT', '/v1/marketplace/collections/featured',
      { title: 'Featured', packs: [HIDDEN] });
    expect(made.status).toBeLessThan(300);
    const packsOf = async (token: string) => {
      const list = await (await send(t.reg, token, 'GET', '/v1/marketplace/collections')).json();
      const one = await (await send(t.reg, token, 'GET', '/v1/marketplace/collections/featured'))
        .json();
      return [(list as { collections: { packs: string[] }[] }).collections[0]!.packs,
        (one as { packs: string[] }).packs];
    };
    expect(await packsOf(t.outsider)).toEqual([[], []]);
    expect(await packsOf(t.carol)).toEqual([[HIDDEN], [HIDDEN]]);
    const page = await (await send(t.reg, t.carol, 'GET', '/marketplace/collections')).text();
    expect(page).toContain('Featured</a> (0 packs)');
  });

  it('answers upstream log evidence for a hidden pack as for an unknown one', async () => {
    const stranger = (await createToken(t.reg.services.db, { publisher: 'beta',
      scopes: ['read', 'publish'] }, t.reg.clock.now())).secret;
    const path = (id: string) => `/v1/packs/${id}/versions/${V}/log/upstream`;
    const hidden = await answer(await send(t.reg, stranger, 'PUT', path(HIDDEN), {}), HIDDEN);
    const absent = await answer(await send(t.reg, stranger, 'PUT', path(ABSENT), {}), ABSENT);
    expect(hidden).toEqual(absent);
    expect(hidden.status).toBe(404);
  });
});


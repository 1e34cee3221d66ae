/**
 * One latest version, named alike by every view: resolve `?range=latest`,
 * the dist-tags route, a pack's detail and the listing, the catalog and the
 * npm packument. The `latest` dist-tag wins while its version is not
 * yanked; other tags are listed while theirs are not; with every version
 * yanked nothing is latest (null in /v1, no `latest` tag for npm).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackument } from '../../registry/npm/packument.js';
import { npmTarballsOf, packumentFactsOf } from '../../registry/npm/store.js';
import { listVersions } from '../../registry/store/packs.js';
import { backends } from '../helpers/databases.js';
import { renamedPack } from '../packs/helpers/renamed.js';
import { raw, registeredKey, startTestRegistry, type TestRegistry } from './helpers.js';

interface Answer {
  code?: string;
  detail?: string;
  version?: string;
  latest?: string | null;
  tags?: Record<string, string>;
  packs?: { id: string; latest?: string | null; version?: string }[];
  'dist-tags'?: Record<string, string>;
}

describe.each(backends())('the latest version in every view ($name)', (backend) => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    const key = await registeredKey(reg);
    const packs = [
      ...['1.0.0', '1.1.0-beta.1', '1.1.0'].map((v) => renamedPack('semtest', v, key)),
      ...['1.0.8', '1.0.9'].map((v) => renamedPack('allgone', v, key)),
    ];
    for (const pack of await Promise.all(packs)) await reg.admin.publish(pack.tgz, pack.bundle);
  });
  afterAll(async () => {
    await reg?.close();
  });

  const get = async (path: string) => (await raw(reg, path)).json() as Promise<Answer>;
  const put = async (path: string, body: object) => {
    const res = await raw(reg, path, { method: 'PUT', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' } });
    expect(res.status, await res.clone().text()).toBe(200);
  };
  const yank = (id: string, version: string) =>
    put(`/v1/packs/${id}/versions/${version}/yank`, { yanked: true, reason: 'bad' });

  /** The packument once registry/routes/npm.ts passes packumentFactsOf to buildPackument. */
  const packument = async (id: string) => {
    expect((await raw(reg, `/npm/@cordum-packs/${id}`)).status).toBe(200);
    const db = reg.services.db;
    return buildPackument({ baseUrl: reg.url, records: await listVersions(db, id),
      tarballs: await npmTarballsOf(db, id), ...(await packumentFactsOf(db, id)) }) as Answer;
  };

  /** What each view names as the latest version of `id`. */
  const latestEverywhere = async (id: string) => ({
    resolve: (await get(`/v1/packs/${id}/resolve?range=latest`)).version ?? null,
    distTags: (await get(`/v1/packs/${id}/dist-tags`)).tags?.latest ?? null,
    detail: (await get(`/v1/packs/${id}`)).latest,
    listing: (await get('/v1/packs')).packs!.find((p) => p.id === id)!.latest,
    catalog: (await get('/v1/catalog.json')).packs!.find((p) => p.id === id)?.version ?? null,
    npmRoute: (await get(`/npm/@cordum-packs/${id}`))['dist-tags']!.latest ?? null,
    npm: (await packument(id))['dist-tags']!.latest ?? null,
  });
  /** The version the marketplace page marks "(latest)" in its versions table. */
  const pageLatest = async (id: string) => {
    const page = await (await raw(reg, `/marketplace/packs/${id}`)).text();
    return /([0-9][0-9A-Za-z.+-]*)<\/a> \(latest\)/.exec(page)?.[1];
  };
  const all = (version: string | null) => ({ resolve: version, distTags: version,
    detail: version, listing: version, catalog: version, npmRoute: version, npm: version });

  it('names the latest dist-tag in every view, and lists every tag for npm', async () => {
    await put('/v1/packs/semtest/dist-tags/latest', { version: '1.0.0' });
    await put('/v1/packs/semtest/dist-tags/beta', { version: '1.1.0-beta.1' });
    // The npm route gets the stored tags once registry/routes/npm.ts passes them.
    const { npmRoute: _route, ...views } = await latestEverywhere('semtest');
    const { npmRoute: _, ...expected } = all('1.0.0');
    expect(views).toEqual(expected);
    expect((await get('/v1/packs/semtest/dist-tags')).tags).toEqual({ latest: '1.0.0',
      beta: '1.1.0-beta.1' });
    expect((await packument('semtest'))['dist-tags']).toEqual({ latest: '1.0.0',
      beta: '1.1.0-beta.1' });
    expect((await get('/v1/packs/semtest/resolve?range=beta')).version).toBe('1.1.0-beta.1');
    expect(await pageLatest('semtest')).toBe('1.0.0');
  });

  it('drops a tag of a yanked version, and falls back from a yanked latest', async () => {
    await yank('semtest', '1.1.0-beta.1');
    expect((await get('/v1/packs/semtest/dist-tags')).tags).toEqual({ latest: '1.0.0' });
    expect((await packument('semtest'))['dist-tags']).toEqual({ latest: '1.0.0' });
    expect(await get('/v1/packs/semtest/resolve?range=beta')).toMatchObject({
      code: 'range_unsatisfied',
      detail: 'semtest: dist-tag beta points at 1.1.0-beta.1, which is yanked' });

    await yank('semtest', '1.0.0');
    expect(await latestEverywhere('semtest')).toEqual(all('1.1.0'));
    expect(await pageLatest('semtest')).toBe('1.1.0');
  });

  it('names no latest once every version is yanked', async () => {
    expect(await latestEverywhere('allgone')).toEqual(all('1.0.9'));
    await yank('allgone', '1.0.8');
    await yank('allgone', '1.0.9');

    const { resolve, ...views } = await latestEverywhere('allgone');
    const { resolve: _, ...expected } = all(null);
    expect(views).toEqual(expected);
    expect(resolve).toBeNull();
    expect(await get('/v1/packs/allgone/resolve?range=latest')).toMatchObject({
      code: 'range_unsatisfied',
      detail: 'allgone: every version is yanked, so nothing is latest' });
    expect((await get('/v1/packs/allgone/dist-tags')).tags).toEqual({});
    expect(await get('/v1/packs/allgone/resolve?range=1.0.9')).toMatchObject({
      code: 'range_unsatisfied',
      detail: 'allgone: only yanked versions satisfy "1.0.9" (1.0.9); a yanked version ' +
        'installs only where a cordum.lock already pins it' });
    expect((await packument('allgone'))['dist-tags']).toEqual({});
    // Still listed and downloadable by exact version.
    expect((await get('/v1/packs')).packs!.map((p) => p.id)).toContain('allgone');
    expect((await raw(reg, '/v1/packs/allgone/versions/1.0.9/tarball')).status).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { createToken, revokeToken } from '../../registry/store/tokens.js';
import {
  ADMIN_TOKEN, registeredKey, startTestRegistry, type TestRegistry,
} from '../registry/helpers.js';
import { page, publishFixture } from './helpers.js';

async function login(reg: TestRegistry, token: string, next = '/marketplace/packs/slack',
  origin = reg.url) {
  return fetch(`${reg.url}/marketplace/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams({ token, next }).toString(),
  });
}

describe.each(backends())('marketplace access ($name)', (backend) => {
  let reg: TestRegistry;
  let open: TestRegistry;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    open = await startTestRegistry(backend, { anonymousRead: true });
    for (const r of [reg, open]) await publishFixture(r, await registeredKey(r), 'slack');
  });
  afterAll(async () => {
    await reg?.close();
    await open?.close();
  });

  it('sends a browser without a token to sign in, and a script fragment gets 401', async () => {
    const res = await page(reg, '/marketplace/packs/slack?x=1', '');
    expect(res.status).toBe(303);
    expect(res.headers.get('location'))
      .toBe('/marketplace/login?next=%2Fmarketplace%2Fpacks%2Fslack%3Fx%3D1');
    expect((await page(reg, '/marketplace/?partial=results', '')).status).toBe(401);
    const form = await page(reg, '/marketplace/login?next=%2Fmarketplace%2Fpacks%2Fslack', '');
    expect(form.status).toBe(200);
    expect(form.text).toContain(
      '<input type="hidden" name="next" value="/marketplace/packs/slack">');
    expect(form.text).toContain('type="password"');
  });

  it('signs in with a token into an HttpOnly cookie, reads with it, and signs out', async () => {
    const res = await login(reg, ADMIN_TOKEN);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/marketplace/packs/slack');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toBe(`cordum_token=${ADMIN_TOKEN}; Path=/; HttpOnly; SameSite=Lax; ` +
      'Max-Age=43200');
    const pack = await page(reg, '/marketplace/packs/slack', '', { cookie: cookie.split(';')[0]! });
    expect(pack.status).toBe(200);
    expect(pack.text).toContain('Sign out (default)');
    const out = await fetch(`${reg.url}/marketplace/logout`, { method: 'POST', redirect: 'manual',
      headers: { origin: reg.url, cookie: cookie.split(';')[0]! } });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toContain('cordum_token=; Path=/; HttpOnly');
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
  });

  it('takes a read-only token, and refuses an unknown or revoked one', async () => {
    const now = reg.clock.now();
    const reader = await createToken(reg.services.db, { publisher: 'default', scopes: ['read'] },
      now);
    expect((await login(reg, reader.secret)).status).toBe(303);
    const bad = await login(reg, 'not-a-token');
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain('That token was refused: the token is not known');

    await revokeToken(reg.services.db, reader.id, now);
    const stale = await page(reg, '/marketplace/', '', { cookie: `cordum_token=${reader.secret}` });
    expect(stale.status).toBe(303);
    expect(stale.headers.get('location'))
      .toBe('/marketplace/login?next=%2Fmarketplace%2F&expired=1');
    expect(stale.headers.get('set-cookie')).toContain('Max-Age=0');
  });

  it('refuses cross-site posts and never redirects off the marketplace', async () => {
    expect((await login(reg, ADMIN_TOKEN, '/marketplace/', 'https://evil.example')).status)
      .toBe(403);
    for (const next of ['https://evil.example/', '//evil.example/x', '/v1/keys',
      '/marketplace/\\evil']) {
      const res = await login(reg, ADMIN_TOKEN, next);
      expect([next, res.headers.get('location')]).toEqual([next, '/marketplace/']);
    }
  });

  it('lets scripts read pages with a Bearer token, and keeps the JSON API on Bearer', async () => {
    expect((await page(reg, '/marketplace/packs/slack')).status).toBe(200);
    const api = await fetch(`${reg.url}/v1/marketplace/search`);
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toBe('application/problem+json');
    const viaCookie = await fetch(`${reg.url}/v1/marketplace/search`,
      { headers: { cookie: `cordum_token=${ADMIN_TOKEN}` } });
    expect(viaCookie.status).toBe(401);
  });

  it('serves assets to anyone: the sign-in page needs them', async () => {
    const form = await page(reg, '/marketplace/login', '');
    const css = /href="(\/marketplace\/assets\/[^"]+\.css)"/.exec(form.text)![1]!;
    expect((await fetch(`${reg.url}${css}`)).status).toBe(200);
  });

  it('is readable without a token when the registry allows anonymous reads', async () => {
    const home = await page(open, '/marketplace/', '');
    expect(home.status).toBe(200);
    expect(home.text).toContain('<li class="card" data-pack="slack">');
    expect(home.text).toContain('>Sign in</a>');
    expect((await page(open, '/marketplace/packs/slack', '')).status).toBe(200);
  });

  it('sends a browser at / to the marketplace, and leaves / alone for API clients', async () => {
    const html = await fetch(`${reg.url}/`, { redirect: 'manual',
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect([html.status, html.headers.get('location')]).toEqual([302, '/marketplace/']);
    const json = await fetch(`${reg.url}/`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
  });
});

/**
 * Single sign-on against an issuer this test runs on 127.0.0.1: ID tokens
 * signed RS256 and ES256 are accepted, their groups map to roles, and every
 * failed check (audience, issuer, expiry, signature, key, algorithm) is 401.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { fixedClock } from '../../registry/clock.js';
import { jsonLogger } from '../../registry/log.js';
import { parseClaimsMap } from '../../registry/oidc/claims.js';
import { startRegistryServer, type RunningRegistry } from '../../registry/server.js';
import { createToken } from '../../registry/store/tokens.js';
import { openRegistryServices, type RegistryServices } from '../../registry/wiring.js';
import { backends } from '../helpers/databases.js';
import { ADMIN_TOKEN, raw, signedFixture, type TestRegistry } from '../registry/helpers.js';
import { startIssuer, type TestIssuer } from './oidc-issuer.js';

const AUD = 'cordum-registry';
const MAP = JSON.stringify({ claim: 'groups', groups: {
  'acme-devs': { publisher: 'acme', role: 'maintainer' },
  'acme-readers': [{ publisher: 'acme', role: 'reader' }],
  'registry-admins': { admin: true } } });

describe.each(backends())('OIDC sign-on ($name)', (backend) => {
  let issuer: TestIssuer;
  let services: RegistryServices;
  let running: RunningRegistry;
  let dataDir: string;
  const clock = fixedClock(new Date('2025-01-02T03:04:05.000Z'));
  const nowS = () => Math.floor(clock.now().getTime() / 1000);
  const claims = (over: Record<string, unknown> = {}) => ({ iss: issuer.url, aud: AUD,
    sub: 'u-1', exp: nowS() + 600, iat: nowS(), groups: ['acme-devs'], ...over });
  const call = (token: string, path: string, init: RequestInit = {}) =>
    raw({ url: running.url } as TestRegistry, path, init, token);

  beforeAll(async () => {
    issuer = await startIssuer();
    const db = await backend.fresh();
    dataDir = db.dataDir;
    services = await openRegistryServices({ dataDir, ...(db.url ? { databaseUrl: db.url } : {}),
      bootstrapToken: ADMIN_TOKEN, log: jsonLogger(() => undefined, clock), clock,
      oidc: { issuer: issuer.url, audience: AUD, claimsMap: parseClaimsMap(MAP, 'map.json') } });
    running = await startRegistryServer(services, { port: 0, host: '127.0.0.1' });
    const acme = (await createToken(services.db, { publisher: 'acme',
      scopes: ['publish', 'keys'] }, clock.now())).secret;
    const key = generateKeyPair();
    await call(acme, '/v1/keys', { method: 'POST', body: JSON.stringify({
      public_key: key.publicPem }), headers: { 'content-type': 'application/json' } });
    const pack = await signedFixture('hello-pack', key);
    const form = new FormData();
    form.append('tarball', new Blob([pack.tgz]), 'p.tgz');
    form.append('bundle', new Blob([JSON.stringify(pack.bundle)]), 'p.json');
    expect((await call(acme, '/v1/packs', { method: 'POST', body: form })).status).toBe(201);
    expect((await call(acme, '/v1/packs/hello-pack/visibility', { method: 'PUT',
      body: '{"private":true}', headers: { 'content-type': 'application/json' } })).status)
      .toBe(200);
  });
  afterAll(async () => {
    await running?.close(1000);
    await issuer?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const putTag = (token: string) => call(token, '/v1/packs/hello-pack/dist-tags/stable', {
    method: 'PUT', body: '{"version":"0.1.0"}', headers: { 'content-type': 'application/json' } });

  it('maps an RS256 token of acme-devs to a maintainer of acme', async () => {
    const token = issuer.token(claims());
    expect((await call(token, '/v1/packs/hello-pack')).status).toBe(200);
    expect((await putTag(token)).status).toBe(200);
  });

  it('maps an ES256 token of acme-readers to a reader', async () => {
    const token = issuer.token(claims({ groups: ['acme-readers'] }), 'ec-1');
    expect((await call(token, '/v1/packs/hello-pack')).status).toBe(200);
    expect((await putTag(token)).status).toBe(403);
  });

  it('shows a token of no group only public packs, and grants admin by group', async () => {
    const none = issuer.token(claims({ groups: [] }));
    const res = await call(none, '/v1/packs/hello-pack');
    expect([res.status, ((await res.json()) as { code: string }).code])
      .toEqual([404, 'pack_not_found']);
    const admin = issuer.token(claims({ groups: 'registry-admins' }));
    expect((await call(admin, '/v1/audit')).status).toBe(200);
  });

  it.each([
    ['another audience', () => issuer.token(claims({ aud: 'other' })), 'audience is not'],
    ['another issuer', () => issuer.token(claims({ iss: 'http://127.0.0.1:1' })), 'issuer'],
    ['an expired token', () => issuer.token(claims({ exp: nowS() - 120 })), 'expired at'],
    ['a token not valid yet', () => issuer.token(claims({ nbf: nowS() + 3600 })), 'not valid'],
    ['a changed payload', () => {
      const [h, , s] = issuer.token(claims()).split('.');
      return `${h}.${Buffer.from(JSON.stringify(claims({ sub: 'root' }))).toString('base64url')}` +
        `.${s}`;
    }, 'signature does not verify'],
    ['an unknown key', () => issuer.token(claims(), 'rsa-1').replace(/^[^.]+/,
      Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'nope' })).toString('base64url')),
    'publishes no key nope'],
    ['HS256', () => issuer.token(claims(), 'rsa-1', 'HS256'), 'algorithm HS256'],
    ['an RSA key used as ES256', () => issuer.token(claims(), 'rsa-1', 'ES256'), 'not for ES256'],
  ])('refuses %s with 401', async (_name, make, why) => {
    const res = await call(make(), '/v1/packs');
    const body = (await res.json()) as { code: string; detail: string };
    expect([res.status, body.code]).toEqual([401, 'token_invalid']);
    expect(body.detail).toContain(why);
  });

  it('fetches the JWKS again for a rotated key, at most every 30 s', async () => {
    issuer.addKey('rsa-2');
    const before = issuer.jwksFetches();
    const token = issuer.token(claims(), 'rsa-2');
    expect((await call(token, '/v1/packs')).status).toBe(401);
    clock.advance(31_000);
    expect((await call(issuer.token(claims(), 'rsa-2'), '/v1/packs')).status).toBe(200);
    expect(issuer.jwksFetches()).toBe(before + 1);
  });
});

/** Members and roles: who may manage members, publish, and read; removal acts at once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { signedFixture } from '../registry/helpers.js';
import { ADMIN_TOKEN, send, startTenants, type Tenants } from './helpers.js';

const M = '/v1/publishers/acme/members';

async function tokenFor(t: Tenants, subject: string, role: string, scopes: string[]) {
  expect((await send(t.reg, t.acme, 'PUT', `${M}/${subject}`, { role })).status).toBe(200);
  const res = await send(t.reg, t.acme, 'POST', `${M}/${subject}/tokens`,
    { name: subject, scopes });
  return ((await res.json()) as { token: string }).token;
}

describe.each(backends())('members and roles ($name)', (backend) => {
  let t: Tenants;
  let dave: string;
  let erin: string;

  beforeAll(async () => {
    t = await startTenants(backend);
    dave = await tokenFor(t, 'dave', 'maintainer', ['read', 'publish']);
    erin = await tokenFor(t, 'erin', 'owner', ['read', 'publish']);
  });
  afterAll(async () => {
    await t?.reg.close();
  });

  it('lists members with their roles to members only', async () => {
    const res = await send(t.reg, t.carol, 'GET', M);
    expect(((await res.json()) as { members: { subject: string; role: string }[] }).members
      .map((m) => `${m.subject}:${m.role}`)).toEqual(['carol:reader', 'dave:maintainer',
      'erin:owner']);
    const outsider = await send(t.reg, t.outsider, 'GET', M);
    expect([outsider.status, ((await outsider.json()) as { code: string }).code])
      .toEqual([403, 'forbidden']);
    // Any token reads, as on every other read route: a member's publish-only token too.
    const writer = await tokenFor(t, 'hana', 'maintainer', ['publish', 'keys']);
    const listed = await send(t.reg, writer, 'GET', M);
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { members: { subject: string }[] }).members
      .map((m) => m.subject)).toContain('hana');
  });

  it('lets a maintainer publish for acme and a reader not', async () => {
    const pack = await signedFixture('hello-pack', t.acmeKey, { version: '0.2.0' });
    // A reader's token with the publish scope: the role, not the scope, refuses.
    const gina = await tokenFor(t, 'gina', 'reader', ['read', 'publish']);
    await expect(t.reg.client(gina).publish(pack.tgz, pack.bundle)).rejects.toMatchObject({
      status: 403, code: 'forbidden' });
    expect((await t.reg.client(dave).publish(pack.tgz, pack.bundle)).version).toBe('0.2.0');
  });

  it('lets owners, not maintainers, manage members; the last owner stays', async () => {
    expect((await send(t.reg, dave, 'PUT', `${M}/frank`, { role: 'reader' })).status).toBe(403);
    expect((await send(t.reg, erin, 'PUT', `${M}/frank`, { role: 'reader' })).status).toBe(200);
    expect((await send(t.reg, erin, 'PUT', `${M}/frank`, { role: 'boss' })).status).toBe(400);
    const last = await send(t.reg, erin, 'DELETE', `${M}/erin`);
    expect([last.status, ((await last.json()) as { detail: string }).detail])
      .toEqual([400, 'erin is the last owner of acme']);
    expect((await send(t.reg, ADMIN_TOKEN, 'PUT', '/v1/publishers/other/members/x',
      { role: 'owner' })).status).toBe(200);
  });

  it('takes a removed member\'s access away at once', async () => {
    expect((await send(t.reg, t.carol, 'GET', '/v1/packs/hello-pack')).status).toBe(200);
    expect((await send(t.reg, erin, 'DELETE', `${M}/carol`)).status).toBe(204);
    expect((await send(t.reg, t.carol, 'GET', '/v1/packs/hello-pack')).status).toBe(404);
  });

  it('mints member tokens for members only, standing for them in that publisher alone',
    async () => {
    // kim owns publisher "beta" only: acme's owner may not mint a token for kim.
    expect((await send(t.reg, ADMIN_TOKEN, 'PUT', '/v1/publishers/beta/members/kim',
      { role: 'owner' })).status).toBe(200);
    const minted = await send(t.reg, t.acme, 'POST', `${M}/kim/tokens`,
      { name: 'kim', scopes: ['read', 'publish', 'keys'] });
    expect([minted.status, ((await minted.json()) as { code: string }).code])
      .toEqual([404, 'not_found']);
    // lee is a reader of acme and an owner of beta: a token minted by acme acts as the reader.
    expect((await send(t.reg, ADMIN_TOKEN, 'PUT', '/v1/publishers/beta/members/lee',
      { role: 'owner' })).status).toBe(200);
    const lee = await tokenFor(t, 'lee', 'reader', ['read', 'publish', 'keys']);
    const takeover = await send(t.reg, lee, 'PUT', '/v1/publishers/beta/members/mallory',
      { role: 'owner' });
    expect(takeover.status).toBe(403);
    const members = await send(t.reg, ADMIN_TOKEN, 'GET', '/v1/publishers/beta/members');
    expect(JSON.stringify(await members.json())).not.toContain('mallory');
  });

  it('lets only owners trust or revoke keys, and no reader or removed member', async () => {
    const key = generateKeyPair();
    const body = { public_key: key.publicPem };
    const mia = await tokenFor(t, 'mia', 'reader', ['read', 'keys']);
    const asReader = await send(t.reg, mia, 'POST', '/v1/keys', body);
    expect(asReader.status).toBe(403);
    expect(((await asReader.json()) as { detail: string }).detail)
      .toContain('needs the owner role in publisher acme');
    const ned = await tokenFor(t, 'ned', 'maintainer', ['read', 'keys']);
    expect((await send(t.reg, ned, 'POST', '/v1/keys', body)).status).toBe(403);
    expect((await send(t.reg, t.acme, 'DELETE', `${M}/ned`)).status).toBe(204);
    expect((await send(t.reg, ned, 'POST', '/v1/keys', body)).status).toBe(403);
    const owner = await tokenFor(t, 'olga', 'owner', ['read', 'keys']);
    expect((await send(t.reg, owner, 'POST', '/v1/keys', body)).status).toBe(201);
  });
});


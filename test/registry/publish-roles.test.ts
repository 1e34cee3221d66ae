/**
 * A member's role is checked before who owns the pack: a reader of acme
 * publishing for acme hears `forbidden` with the role it lacks, whether the
 * id is new or acme's already; another publisher's token still hears
 * `pack_not_owned`, and `forbidden` when it names acme as the publisher.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../registry/store/tokens.js';
import { backends } from '../helpers/databases.js';
import { send, startTenants, type Tenants } from '../tenancy/helpers.js';
import { readProblem, signedFixture, versionRows } from './helpers.js';

const ROLE_MESSAGE = 'this needs the maintainer role in publisher acme; gina has reader';

describe.each(backends())('publishing as a reader of the owner ($name)', (backend) => {
  let t: Tenants;
  let gina: string;

  beforeAll(async () => {
    t = await startTenants(backend);
    await send(t.reg, t.acme, 'PUT', '/v1/publishers/acme/members/gina', { role: 'reader' });
    const res = await send(t.reg, t.acme, 'POST', '/v1/publishers/acme/members/gina/tokens',
      { name: 'gina', scopes: ['read', 'publish'] });
    gina = ((await res.json()) as { token: string }).token;
  });
  afterAll(async () => {
    await t?.reg.close();
  });

  const cases = [
    { name: 'a new version of acme\'s pack', fixture: 'hello-pack', version: '0.2.0' },
    { name: 'a new id', fixture: 'slack', version: undefined },
  ];

  it.each(cases)('$name: forbidden, naming the role', async ({ fixture, version }) => {
    const before = await versionRows(t.reg);
    const pack = await signedFixture(fixture, t.acmeKey, version ? { version } : {});
    const res = await t.reg.client(gina).publish(pack.tgz, pack.bundle).then(
      () => undefined, (err: unknown) => err);
    expect(res).toMatchObject({ status: 403, code: 'forbidden',
      message: expect.stringContaining(ROLE_MESSAGE) });
    expect(await versionRows(t.reg)).toEqual(before);
  });

  it('answers problem+json with the role message for an existing pack', async () => {
    const pack = await signedFixture('hello-pack', t.acmeKey, { version: '0.3.0' });
    const form = new FormData();
    form.append('tarball', new Blob([pack.tgz]), 'p.tgz');
    form.append('bundle', new Blob([JSON.stringify(pack.bundle)]), 'p.tgz.sigstore.json');
    const res = await fetch(`${t.reg.url}/v1/packs`, { method: 'POST', body: form,
      headers: { authorization: `Bearer ${gina}` } });
    const problem = await readProblem(res);
    expect([res.status, problem.code, problem.detail]).toEqual([403, 'forbidden',
      ROLE_MESSAGE]);
  });

  it('still answers pack_not_owned to another publisher\'s token', async () => {
    const pack = await signedFixture('hello-pack', t.acmeKey, { version: '0.4.0' });
    const other = await createToken(t.reg.services.db, { publisher: 'other',
      scopes: ['read', 'publish'] }, t.reg.clock.now());
    await expect(t.reg.client(other.secret).publish(pack.tgz, pack.bundle)).rejects.toMatchObject({
      status: 403, code: 'pack_not_owned',
      message: 'pack hello-pack belongs to publisher acme; this token acts for other' });
    // Naming the owner as publisher is not the token's to do: forbidden, saying whose it is.
    await expect(t.reg.client(other.secret).publish(pack.tgz, pack.bundle,
      { publisher: 'acme' })).rejects.toMatchObject({ status: 403, code: 'forbidden',
      message: 'the token acts for publisher other, not acme; only an admin may' });
  });

  it('answers publisher_invalid to a publisher no one can be, not signature_unknown_key',
    async () => {
      const pack = await signedFixture('hello-pack', t.acmeKey, { version: '0.5.0' });
      for (const publisher of ['../x', 'Acme Corp']) {
        await expect(t.reg.admin.publish(pack.tgz, pack.bundle, { publisher })).rejects
          .toMatchObject({ status: 422, code: 'publisher_invalid', message: expect
            .stringContaining(`publisher ${JSON.stringify(publisher)} must match`) });
      }
    });
});

describe.each(backends())('a member token\'s name ($name)', (backend) => {
  let t: Tenants;

  beforeAll(async () => {
    t = await startTenants(backend);
    await send(t.reg, t.acme, 'PUT', '/v1/publishers/acme/members/hal', { role: 'reader' });
  });
  afterAll(async () => {
    await t?.reg.close();
  });

  it('is refused past 200 characters, as a token of the registry is', async () => {
    const res = await send(t.reg, t.acme, 'POST', '/v1/publishers/acme/members/hal/tokens',
      { name: 'h'.repeat(201), scopes: ['read'] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'request_invalid',
      detail: '`name` must be a non-empty string of at most 200 characters' });
    const fine = await send(t.reg, t.acme, 'POST', '/v1/publishers/acme/members/hal/tokens',
      { name: 'h'.repeat(200), scopes: ['read'] });
    expect(fine.status).toBe(201);
  });
});

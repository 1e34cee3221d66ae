/** A registry with two publishers, a private pack of one and tokens for each kind of caller. */
import { createToken } from '../../registry/store/tokens.js';
import type { Backend } from '../helpers/databases.js';
import { generateKeyPair, type KeyPair } from '../../packs/signing/keys.js';
import {
  ADMIN_TOKEN, raw, registeredKey, signedFixture, startTestRegistry, type TestRegistry,
} from '../registry/helpers.js';

export interface Tenants {
  reg: TestRegistry;
  acmeKey: KeyPair;
  /** A service token of publisher acme (owner). */
  acme: string;
  /** A read token of another publisher. */
  outsider: string;
  /** A token of member carol, reader of acme. */
  carol: string;
}

export function send(reg: TestRegistry, token: string | null, method: string, path: string,
  body?: unknown): Promise<Response> {
  const init: RequestInit = { method, redirect: 'manual' };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  return raw(reg, path, init, token);
}

async function expectOk(res: Response, what: string): Promise<unknown> {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

/** acme publishes hello-pack 0.1.0 and makes it private; default publishes demo-guardrails. */
export async function startTenants(backend: Backend): Promise<Tenants> {
  const reg = await startTestRegistry(backend);
  const now = reg.clock.now();
  const db = reg.services.db;
  const acme = (await createToken(db, { publisher: 'acme', scopes: ['publish', 'keys'] }, now))
    .secret;
  const outsider = (await createToken(db, { publisher: 'other', scopes: ['read'] }, now)).secret;
  const acmeKey = generateKeyPair();
  await reg.client(acme).addKey(acmeKey.publicPem);
  const hello = await signedFixture('hello-pack', acmeKey);
  await reg.client(acme).publish(hello.tgz, hello.bundle);
  const publicKey = await registeredKey(reg);
  const demo = await signedFixture('demo-guardrails', publicKey);
  await reg.admin.publish(demo.tgz, demo.bundle);

  await expectOk(await send(reg, acme, 'PUT', '/v1/packs/hello-pack/visibility',
    { private: true }), 'visibility');
  await expectOk(await send(reg, acme, 'PUT', '/v1/publishers/acme/members/carol',
    { role: 'reader' }), 'member');
  const made = await expectOk(await send(reg, acme, 'POST',
    '/v1/publishers/acme/members/carol/tokens', { name: 'carol', scopes: ['read'] }), 'token');
  return { reg, acmeKey, acme, outsider, carol: (made as { token: string }).token };
}

export { ADMIN_TOKEN };

/**
 * The contract: every route the router has is in `/v1/openapi.json`, every
 * documented operation is called here, and every answer (status, media
 * type and JSON body) is checked against the document with ajv.
 */
import { Router } from '@koa/router';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import { openapiPath } from '../../registry/openapi/build.js';
import { routeGroups } from '../../registry/routes/index.js';
import type { RegistryState } from '../../registry/state.js';
import { generateKeyPair, type KeyPair } from '../../packs/signing/keys.js';
import { createToken } from '../../registry/store/tokens.js';
import {
  ADMIN_TOKEN, publishForm, registeredKey, signedFixture, type TestRegistry,
} from './helpers.js';
import { NO_LIMITS, startCustomRegistry } from './trust-helpers.js';
import { checkInclusion } from '../../packs/tlog/check.js';

type Doc = { openapi: string; paths: Record<string, Record<string, { responses:
  Record<string, { content?: Record<string, unknown> }> }>> };

describe('the OpenAPI document and the routes', () => {
  let reg: TestRegistry;
  let doc: Doc;
  let router: Router<RegistryState>;
  let ajv: InstanceType<typeof Ajv2020>;
  const called = new Set<string>();
  const failures: string[] = [];

  beforeAll(async () => {
    reg = await startCustomRegistry(pgliteBackend, { hardening: NO_LIMITS });
    doc = (await (await fetch(`${reg.url}/v1/openapi.json`)).json()) as Doc;
    router = new Router<RegistryState>();
    for (const group of routeGroups) group(router, { ...reg.services, baseUrl: reg.url });
    ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ ...doc, $id: 'doc' });
  });
  afterAll(async () => {
    await reg?.close();
  });

  function patternOf(method: string, pathname: string): string | undefined {
    const layers = router.match(pathname, method).pathAndMethod;
    return layers.find((l) => l.methods.length > 0)?.path as string | undefined;
  }

  /** Calls the registry and checks the answer against the document. */
  async function call(method: string, path: string, init: RequestInit & { token?: string | null }
    = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const token = init.token === undefined ? ADMIN_TOKEN : init.token;
    if (token) headers.set('authorization', `Bearer ${token}`);
    const res = await fetch(`${reg.url}${path}`, { ...init, method, headers, redirect: 'manual' });
    const pathname = new URL(`${reg.url}${path}`).pathname;
    const pattern = patternOf(method, pathname);
    const where = `${method} ${path} → ${res.status}`;
    if (!pattern) {
      // A known path with another method: 405, documented once for every path.
      const known = router.match(pathname, method).path.find((l) => l.methods.length > 0);
      const item = known && doc.paths[openapiPath(String(known.path))];
      if (res.status !== 405 || !item) failures.push(`${where}: no route matched`);
      else await checkBody(res.clone(), Object.values(item)[0]!.responses['405']!, 'x', where);
      return res;
    }
    const key = `${method.toLowerCase()} ${openapiPath(pattern)}`;
    called.add(key);
    const operation = doc.paths[openapiPath(pattern)]?.[method.toLowerCase()];
    const response = operation?.responses[String(res.status)];
    if (!response) {
      failures.push(`${where}: status not documented for ${key}`);
      return res;
    }
    await checkBody(res.clone(), response, key, where);
    return res;
  }

  async function checkBody(res: Response, response: { content?: Record<string, unknown> },
    key: string, where: string) {
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    if (!response.content) {
      // A redirect's body is only a courtesy line for people; nothing else may have one.
      const text = await res.text();
      if (text !== '' && !(res.status >= 300 && res.status < 400)) {
        failures.push(`${where}: body where none is documented`);
      }
      return;
    }
    const types = Object.keys(response.content);
    const media = types.find((t) => t === type ||
      (t.endsWith('/*') && type.startsWith(t.slice(0, -1))));
    if (!media) {
      failures.push(`${where}: media type ${type} not among ${types.join(', ')}`);
      return;
    }
    if (!/^application\/([\w.-]+\+)?json$/.test(media)) return;
    if (key === 'x') {
      const body: unknown = await res.json();
      const problem = ajv.getSchema('doc#/components/schemas/Problem')!;
      if (!problem(body)) failures.push(`${where}: ${ajv.errorsText(problem.errors)}`);
      return;
    }
    const [method, path] = key.split(' ') as [string, string];
    const pointer = ['paths', path, method, 'responses', String(res.status), 'content', media,
      'schema'].map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
    const validate = ajv.getSchema(`doc#/${pointer}`)!;
    const body: unknown = await res.json();
    if (!validate(body)) failures.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    // A problem's code is one the route lists, so a client can rely on the list.
    const codes = (response as { 'x-problem-codes'?: string[] })['x-problem-codes'] ?? [];
    const code = media === 'application/problem+json' ? (body as { code?: string }).code : null;
    if (code !== null && !codes.includes(String(code))) {
      failures.push(`${where}: code ${String(code)} not among [${codes.join(', ')}]`);
    }
  }

  const jsonInit = (body: unknown, method = 'PUT') => ({ method,
    headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const v = '/v1/packs/hello-pack/versions/0.1.0';
  let key: KeyPair;
  let reader: { secret: string };

  it('answers the pack and version routes as documented', async () => {
    key = await registeredKey(reg);
    const pack = await signedFixture('hello-pack', key);
    reader = await createToken(reg.services.db, { publisher: 'r', scopes: ['read'] },
      reg.clock.now());
    await call('POST', '/v1/packs', { body: publishForm({ tarball: pack.tgz,
      bundle: pack.bundle }) });
    await call('POST', '/v1/packs', { body: publishForm({ tarball: pack.tgz,
      bundle: pack.bundle }) });
    await call('POST', '/v1/packs', { body: publishForm({ tarball: pack.tgz }) });
    await call('POST', '/v1/packs', { token: null });
    await call('POST', '/v1/packs', { token: reader.secret });
    await call('POST', '/v1/packs', { body: 'x', headers: { 'content-type': 'text/plain' } });
    for (const p of ['/v1/catalog.json', '/v1/packs', '/v1/packs/hello-pack', '/v1/packs/nope',
      '/v1/packs/hello-pack/resolve?range=^0.1', '/v1/packs/hello-pack/resolve?range=^9',
      '/v1/packs/hello-pack/resolve?range=bad range', v, `${v}/manifest`, `${v}/tarball`,
      `${v}/bundle`, '/v1/packs/hello-pack/versions/9.9.9', `${v}/yank`]) await call('GET', p);
    const etag = (await call('GET', '/v1/packs')).headers.get('etag')!;
    await call('GET', '/v1/packs', { headers: { 'if-none-match': etag,
      'cache-control': 'max-age=0' } });
    await call('GET', '/v1/packs', { token: null });
    await call('DELETE', '/v1/packs');
    await call('PUT', `${v}/yank`, jsonInit({ yanked: true, reason: 'r' }));
    await call('PUT', `${v}/yank`, jsonInit({ yanked: 'no' }));
    await call('PUT', `${v}/yank`, jsonInit({ yanked: false }));
    const gone = '/v1/packs/hello-pack/versions/9.9.9';
    await call('GET', `${gone}/yank`);
    await call('PUT', `${gone}/yank`, jsonInit({ yanked: true }));
    await call('POST', '/v1/packs', { body: publishForm({ tarball: Buffer.from('not gzip'),
      bundle: pack.bundle }) });
    await call('POST', '/v1/packs', { body: publishForm({ tarball: pack.tgz,
      bundle: pack.bundle, extra: [['publisher', 'Not A Name']] }) });
    expect(failures).toEqual([]);
  });

  it('answers the key and token routes as documented', async () => {
    await call('GET', '/v1/keys');
    await call('POST', '/v1/keys', jsonInit({ public_key: key.publicPem }, 'POST'));
    await call('POST', '/v1/keys', jsonInit({ public_key: 'not a key' }, 'POST'));
    const spare = generateKeyPair();
    await call('POST', '/v1/keys', jsonInit({ public_key: spare.publicPem }, 'POST'));
    await call('GET', `/v1/keys/${key.keyId}`);
    await call('GET', '/v1/keys/nope');
    await call('GET', `/v1/keys/${key.keyId}/revocation`);
    await call('DELETE', `/v1/keys/${key.keyId}`);
    await call('DELETE', `/v1/keys/${key.keyId}/revocation`);
    await call('DELETE', `/v1/keys/${spare.keyId}`);
    const made = await call('POST', '/v1/tokens', jsonInit({ name: 'ci', scopes: ['read'] },
      'POST'));
    const tokenId = ((await made.json()) as { id: string }).id;
    await call('POST', '/v1/tokens', jsonInit({ name: 'ci', scopes: ['fly'] }, 'POST'));
    await call('POST', '/v1/tokens', jsonInit({ name: 'ci', scopes: ['read'],
      publisher: 'Not A Name' }, 'POST'));
    await call('GET', `/v1/tokens/${tokenId}`);
    await call('DELETE', `/v1/tokens/${tokenId}`);
    await call('GET', `/v1/tokens/${tokenId}`);
    expect(failures).toEqual([]);
  });

  it('answers the deployment routes as documented', async () => {
    const fragment = { version: 'v1', rules: [{ id: 'r1', match: { topics: ['job.x'] },
      decision: 'deny' }] };
    await call('PUT', '/v1/deployments/dev', jsonInit({ packs: [{ id: 'hello-pack',
      range: '^0.1.0' }] }));
    await call('PUT', '/v1/deployments/dev', jsonInit({ packs: 'x' }));
    await call('GET', '/v1/deployments');
    await call('GET', '/v1/deployments/dev');
    await call('GET', '/v1/deployments/nope');
    await call('PUT', '/v1/deployments/dev/policy-bundles/ops', jsonInit({ fragment }));
    await call('PUT', '/v1/deployments/dev/policy-bundles/ops', jsonInit({ fragment: { x: 1 } }));
    await call('GET', '/v1/deployments/dev/policy-bundles/ops');
    await call('GET', '/v1/deployments/dev/policy-bundles');
    // A create-only write of what exists: 412 already_exists, as documented.
    const createOnly = jsonInit({ fragment });
    await call('PUT', '/v1/deployments/dev/policy-bundles/ops',
      { ...createOnly, headers: { ...createOnly.headers, 'if-none-match': '*' } });
    await call('POST', '/v1/deployments/dev/decisions', jsonInit({ topic: 'job.x' }, 'POST'));
    await call('DELETE', '/v1/deployments/dev/policy-bundles/ops');
    await call('DELETE', '/v1/deployments/dev');
    expect(failures).toEqual([]);
  });

  it('answers the log, audit, health and document routes as documented', async () => {
    for (const p of ['/v1/log/key', '/v1/log/tree-head', '/v1/log/tree-head?tree_size=1',
      '/v1/log/tree-head?tree_size=999', '/v1/log/entries', '/v1/log/entries?start=1&end=2',
      `/v1/log/entries?sha256=${'0'.repeat(64)}`, '/v1/log/entries?sha256=xyz',
      '/v1/log/entries?pack=hello-pack', '/v1/log/proof/inclusion?index=0&tree_size=2',
      '/v1/log/proof/inclusion?index=5', '/v1/log/proof/consistency?first=1&second=2',
      '/v1/log/proof/consistency?first=3&second=2', '/v1/audit', '/v1/audit?format=csv',
      '/v1/audit?format=cef', '/v1/audit?format=pdf', '/v1/health', '/v1/openapi.json',
      '/metrics']) {
      await call('GET', p);
    }
    await call('GET', '/v1/audit', { token: reader.secret });
    expect(failures).toEqual([]);
  });

  it('answers the upstream log evidence routes as documented', async () => {
    // This registry's own log makes real evidence (a mirror brings the source's).
    const logKey = await reg.admin.logKey();
    const sha256 = (await reg.admin.getVersion('hello-pack', '0.1.0')).sha256;
    const proved = await checkInclusion(reg.admin, { sha256, logKeyPem: logKey.public_key });
    const evidence = { source: reg.url, log_key: { key_id: logKey.key_id,
      public_key: logKey.public_key, origin: logKey.origin },
    entry: { index: proved.index, body: proved.body }, audit_path: proved.audit_path,
    tree_head: proved.head };
    const up = `${v}/log/upstream`;
    await call('GET', up);
    await call('GET', '/v1/packs/hello-pack/versions/9.9.9/log/upstream');
    await call('PUT', up, jsonInit({ ...evidence, entry: { index: 0, body: '{}' } }));
    await call('PUT', up, jsonInit({ ...evidence, audit_path: 'x' }));
    await call('PUT', up, { token: reader.secret, ...jsonInit(evidence) });
    expect((await call('PUT', up, jsonInit(evidence))).status).toBe(201);
    expect((await call('PUT', up, jsonInit(evidence))).status).toBe(200);
    await call('GET', up);
    await call('GET', `/v1/log/entries?key_id=${key.keyId}`);
    const keyEntry = (await reg.admin.logEntries({ key_id: key.keyId })).entries[0]!;
    const keyProof = await reg.admin.logInclusion(keyEntry.index, proved.head.tree_size);
    const ku = `/v1/keys/${key.keyId}/log/upstream`;
    await call('GET', ku);
    await call('GET', '/v1/keys/nope/log/upstream');
    await call('PUT', ku, jsonInit(evidence));
    await call('PUT', ku, jsonInit({ ...evidence, entry: { index: keyEntry.index,
      body: keyEntry.body }, audit_path: keyProof.audit_path }));
    expect(failures).toEqual([]);
  });

  it('answers the marketplace, npm and schema routes as documented', async () => {
    const site = ['/', '/marketplace/', '/marketplace/collections', '/marketplace/collections/x',
      '/marketplace/publishers/default', '/marketplace/packs/hello-pack',
      '/marketplace/packs/hello-pack/versions/0.1.0',
      '/marketplace/packs/hello-pack/versions/0.1.0/files/icon.png',
      '/marketplace/packs/hello-pack/changelog', '/marketplace/login', '/marketplace/assets/none',
      '/v1/marketplace/search?q=hello', '/v1/marketplace/collections',
      '/v1/marketplace/collections/none', '/v1/marketplace/publishers/verified',
      '/v1/packs/hello-pack/changelog', '/npm/-/ping', '/npm/@cordum-packs%2fhello-pack',
      '/npm/@cordum-packs/hello-pack', '/npm/@cordum-packs/hello-pack/-/hello-pack-0.1.0.tgz',
      '/npm/@other/name',
      '/schemas', '/schemas/pack.schema.json', '/schemas/none'];
    for (const p of site) await call('GET', p, { headers: { accept: 'text/html' } });
    const form = { 'content-type': 'application/x-www-form-urlencoded', origin: reg.url };
    await call('POST', '/marketplace/login', { headers: form, body: 'token=bad' });
    await call('POST', '/marketplace/logout', { headers: form });
    await call('PUT', '/v1/marketplace/collections/best', jsonInit({ title: 'Best',
      packs: ['hello-pack'] }));
    await call('GET', '/v1/marketplace/collections/best');
    await call('DELETE', '/v1/marketplace/collections/best');
    await call('PUT', '/v1/marketplace/publishers/default/verification', jsonInit({ note: 'n' }));
    await call('DELETE', '/v1/marketplace/publishers/default/verification');
    await call('POST', `${v}/simulate`, jsonInit({ topic: 'job.hello-pack.echo' }, 'POST'));

    // Tenancy (registry/tenancy): members, visibility, dist-tags, deprecation.
    const m = '/v1/publishers/default/members/alice';
    await call('PUT', m, jsonInit({ role: 'maintainer' }));
    await call('PUT', m, jsonInit({ role: 'boss' }));
    await call('GET', '/v1/publishers/default/members');
    await call('POST', `${m}/tokens`, jsonInit({ name: 'a', scopes: ['read'] }, 'POST'));
    await call('DELETE', m);
    await call('PUT', '/v1/packs/hello-pack/visibility', jsonInit({ private: false }));
    await call('PUT', '/v1/packs/hello-pack/dist-tags/stable', jsonInit({ version: '0.1.0' }));
    await call('GET', '/v1/packs/hello-pack/dist-tags');
    await call('DELETE', '/v1/packs/hello-pack/dist-tags/stable');
    await call('PUT', `${v}/deprecation`, jsonInit({ message: 'old' }));
    await call('GET', `${v}/deprecation`);
    await call('GET', '/v1/packs/nope/dist-tags');
    await call('PUT', '/v1/packs/hello-pack/dist-tags/stable', jsonInit({ version: '9.9.9' }));
    await call('DELETE', '/v1/packs/hello-pack/dist-tags/none');
    await call('GET', '/v1/packs/hello-pack/versions/9.9.9/deprecation');
    await call('PUT', '/v1/packs/nope/visibility', jsonInit({ private: true }));
    await call('GET', '/v1/packs/nope/changelog');
    const rotated = (await import('../../packs/signing/keys.js')).generateKeyPair();
    await call('POST', `/v1/keys/${key.keyId}/rotate`, jsonInit({ public_key: rotated.publicPem },
      'POST'));

    expect(failures).toEqual([]);
  });

  it('answers the Terraform provider registry routes as documented', async () => {
    const t = '/terraform/providers/v1/cordum/cordum';
    const f = '/terraform/files/cordum/cordum/0.1.0';
    for (const p of ['/.well-known/terraform.json', `${t}/versions`,
      '/terraform/providers/v1/x/y/versions', `${t}/0.1.0/download/linux/amd64`,
      `${t}/0.1.0/download/plan9/amd64`,
      `${f}/terraform-provider-cordum_0.1.0_linux_amd64.zip`, `${f}/SHA256SUMS`,
      `${f}/SHA256SUMS.sig`, `${f}/nope`]) await call('GET', p, { token: null });
    expect(failures).toEqual([]);
  });

  it('documents every route, and every documented operation was called', () => {
    const routed = new Set<string>();
    for (const layer of router.stack) {
      for (const m of layer.methods.filter((x) => x !== 'HEAD')) {
        routed.add(`${m.toLowerCase()} ${openapiPath(String(layer.path))}`);
      }
    }
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.keys(item).map((m) => `${m} ${p}`)));
    expect([...routed].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((d) => !routed.has(d))).toEqual([]);
    expect([...documented].filter((d) => !called.has(d))).toEqual([]);
    expect(doc.openapi).toBe('3.1.0');
  });
});

/**
 * A followed registry that answers with something that is not a deployment
 * (a proxy's error page, a field missing or of another type): the reload is
 * refused as `deployment_invalid`, naming the request and the field, and the
 * last good snapshot keeps deciding.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import { signedFixture } from '../registry/helpers.js';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { DeploymentFollower } from '../../engine/kernel/follow.js';
import { RegistryDeploymentSource } from '../../engine/kernel/registry_source.js';
import { openTestKernel, type TestKernel } from './helpers.js';

const DEPLOYMENT = '/v1/deployments/prod';
const BUNDLES = `${DEPLOYMENT}/policy-bundles`;
const VIEW = { name: 'prod', tenant: 'default', generation: 1, snapshot_hash: 'sha256:00',
  packs_snapshot_hash: 'sha256:00', packs: [] };

let k: TestKernel;
let server: Server;
let url: string;
/** What the registry answers, by path (a body with 200, or a status and body); else 404. */
let answers: Record<string, string | Buffer | { status: number; body: string }> = {};

beforeAll(async () => {
  k = await openTestKernel(pgliteBackend);
  server = createServer((req, res) => {
    const answer = answers[req.url ?? ''] ?? { status: 404, body: '{}' };
    const { status, body } = typeof answer === 'string' || Buffer.isBuffer(answer)
      ? { status: 200, body: answer } : answer;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await k?.close();
});

const json = (value: unknown) => JSON.stringify(value);

const CASES: { name: string; answers: Record<string, string>; message: string }[] = [
  { name: 'an error page for the deployment',
    answers: { [DEPLOYMENT]: '<html>oops' },
    message: `GET ${DEPLOYMENT}: the registry's answer is not JSON (it starts "<html>oops")` },
  { name: 'null for the deployment',
    answers: { [DEPLOYMENT]: 'null' },
    message: `GET ${DEPLOYMENT}: / holds null, expected an object` },
  { name: 'a pin without its version',
    answers: { [DEPLOYMENT]: json({ ...VIEW, packs: [{ id: 'hello-pack', range: '^1',
      sha256: 'a'.repeat(64), key_id: 'b' }] }) },
    message: `GET ${DEPLOYMENT}: /packs/0/version holds nothing, expected a string` },
  { name: 'a generation written as text',
    answers: { [DEPLOYMENT]: json({ ...VIEW, generation: '2' }) },
    message: `GET ${DEPLOYMENT}: /generation holds "2", expected a whole number` },
  { name: 'an error page for the bundle list',
    answers: { [DEPLOYMENT]: json(VIEW), [BUNDLES]: '<html>' },
    message: `GET ${BUNDLES}: the registry's answer is not JSON (it starts "<html>")` },
  { name: 'a bundle without its fragment',
    answers: { [DEPLOYMENT]: json(VIEW), [BUNDLES]: json({ bundles: [{ name: 'hotfix' }] }),
      [`${BUNDLES}/hotfix`]: json({ name: 'hotfix', version: 1 }) },
    message: `GET ${BUNDLES}/hotfix: /fragment holds nothing, expected an object` },
];

describe('a followed registry answering what is not a deployment', () => {
  it.each(CASES)('refuses $name as deployment_invalid', async (c) => {
    answers = c.answers;
    const lines: string[] = [];
    const source = new RegistryDeploymentSource({ url, deployment: 'prod' });
    const follower = new DeploymentFollower(source, k.kernel,
      { log: (level, msg, fields) => lines.push(`${level} ${msg} ${String(fields.code)}`) });
    const before = k.kernel.current();

    const outcome = await follower.pollOnce();

    expect(outcome).toEqual({ kind: 'refused', code: 'deployment_invalid', message: c.message });
    expect(k.kernel.status().lastError).toMatchObject({ code: 'deployment_invalid' });
    expect(lines).toEqual(['warn policy snapshot refused; the last good one keeps running ' +
      'deployment_invalid']);
    expect(k.kernel.current()).toBe(before);
    await follower.stop();
  });

  it('refuses a bundle list that failed, not composing the snapshot without bundles',
    async () => {
    // A deployment with a bundle of its own; the registry fails to list it this once.
    answers = { [DEPLOYMENT]: json(VIEW), [BUNDLES]: { status: 503, body: 'overloaded' } };
    const source = new RegistryDeploymentSource({ url, deployment: 'prod' });
    const follower = new DeploymentFollower(source, k.kernel);

    expect(await follower.pollOnce()).toEqual({ kind: 'refused',
      code: 'deployment_unreachable', message: `GET ${BUNDLES} answered 503: overloaded` });
    await follower.stop();
  });

  it('says a signature bundle that is not JSON is the pack\'s signature', async () => {
    const versions = '/v1/packs/hello-pack/versions/0.1.0';
    const tarball = 'not really a tarball';
    const pin = { id: 'hello-pack', range: '0.1.0', version: '0.1.0',
      sha256: createHash('sha256').update(tarball).digest('hex'), key_id: 'b'.repeat(64) };
    answers = { [DEPLOYMENT]: json({ ...VIEW, packs: [pin] }), [`${versions}/tarball`]: tarball,
      [`${versions}/bundle`]: '<html>' };
    const source = new RegistryDeploymentSource({ url, deployment: 'prod' });
    const follower = new DeploymentFollower(source, k.kernel);

    expect(await follower.pollOnce()).toEqual({ kind: 'refused', code: 'snapshot_unverified',
      message: expect.stringMatching(new RegExp(`^hello-pack@0\\.1\\.0: GET ${url}${versions}` +
        '/bundle: the signature bundle of hello-pack@0\\.1\\.0 is not JSON \\(Unexpected')) });
    await follower.stop();
  });

  it('says a pack signed by another key than the one pinned', async () => {
    const signer = generateKeyPair();
    const pinned = generateKeyPair();
    const pack = await signedFixture('hello-pack', signer, { version: '0.1.0' });
    const versions = '/v1/packs/hello-pack/versions/0.1.0';
    const pin = { id: 'hello-pack', range: '0.1.0', version: '0.1.0',
      sha256: createHash('sha256').update(pack.tgz).digest('hex'), key_id: pinned.keyId };
    answers = { [DEPLOYMENT]: json({ ...VIEW, packs: [pin] }), [`${versions}/tarball`]: pack.tgz,
      [`${versions}/bundle`]: json(pack.bundle),
      [`/v1/keys/${pinned.keyId}`]: json({ key_id: pinned.keyId, public_key: pinned.publicPem }) };
    const source = new RegistryDeploymentSource({ url, deployment: 'prod' });
    const follower = new DeploymentFollower(source, k.kernel);

    expect(await follower.pollOnce()).toEqual({ kind: 'refused', code: 'snapshot_unverified',
      message: `hello-pack@0.1.0: signed by key ${signer.keyId}, but the deployment pins key ` +
        `${pinned.keyId}` });
    await follower.stop();
  });
});

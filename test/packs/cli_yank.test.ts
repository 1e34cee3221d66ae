/**
 * `cordum pack yank ID@VERSION` against a real registry process: ranges stop
 * resolving to the version, `--undo` restores it, and a wrong command line
 * is a usage error before any request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../packs/client/registry.js';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { cordum, json, startRegistry, stopAll, type RunningRegistry } from '../helpers/cli.js';
import { pgliteBackend } from '../helpers/databases.js';
import { signedPack } from '../npm/fixtures.js';

interface Yank {
  id: string;
  version: string;
  yanked: boolean;
  reason: string | null;
}

describe('cordum pack yank', () => {
  let reg: RunningRegistry;
  let client: RegistryClient;
  const env = () => ({ CORDUM_REGISTRY: reg.url, CORDUM_TOKEN: reg.token });

  beforeAll(async () => {
    reg = await startRegistry(pgliteBackend);
    client = new RegistryClient({ url: reg.url, token: reg.token });
    const key = generateKeyPair();
    await client.addKey(key.publicPem);
    for (const version of ['0.1.0', '0.2.0']) {
      const pack = await signedPack('hello-pack', key, version);
      await client.publish(pack.tgz, pack.bundle);
    }
  }, 120_000);
  afterAll(stopAll);

  it('yanks one version with its reason: ranges skip it, its tarball still downloads',
    async () => {
    const ran = await cordum(['pack', 'yank', 'hello-pack@0.2.0', '--reason', 'CVE-1', '--json'],
      { env: env() });

    expect(json<Yank>(ran)).toMatchObject({ id: 'hello-pack', version: '0.2.0', yanked: true,
      reason: 'CVE-1' });
    expect((await client.resolve('hello-pack', '^0.1.0 || ^0.2.0')).version).toBe('0.1.0');
    await expect(client.resolve('hello-pack', '0.2.0')).rejects.toThrow(
      /only yanked versions satisfy "0.2.0"/);
    expect((await client.downloadTarball('hello-pack', '0.2.0')).length).toBeGreaterThan(0);
  }, 60_000);

  it('restores it with --undo', async () => {
    const ran = await cordum(['pack', 'yank', 'hello-pack@0.2.0', '--undo'], { env: env() });

    expect(ran.stdout).toBe('restored hello-pack@0.2.0: it is no longer yanked\n');
    expect(ran.code).toBe(0);
    expect((await client.resolve('hello-pack', '^0.1.0 || ^0.2.0')).version).toBe('0.2.0');
  }, 60_000);

  it('is refused by the registry for a version it does not hold (exit 1, its code)', async () => {
    const ran = await cordum(['pack', 'yank', 'hello-pack@9.9.9'], { env: env() });

    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/^error\[version_not_found\]: hello-pack@9\.9\.9/);
  }, 60_000);

  it.each([
    [['hello-pack@^0.1.0'], /"hello-pack@\^0\.1\.0": expected ID@VERSION with one exact version/],
    [['hello-pack'], /one exact version \(such as hello-pack@1\.2\.0\), but no version was given/],
    [['hello-pack@'], /hello-pack@1\.2\.0\), but no version was given/],
    [['Hello@1.0.0'], /"Hello@1\.0\.0": expected ID@VERSION, with an id/],
    [['hello-pack@0.1.0', '--undo', '--reason', 'x'], /drop one of the two/],
    [['hello-pack@0.1.0', '--reason', ' '], /--reason is empty/],
  ])('%j is a usage error, and nothing is yanked', async (args, message) => {
    const ran = await cordum(['pack', 'yank', ...args], { env: env() });

    expect(ran.stderr).toMatch(/^error\[usage\]: /);
    expect(ran.stderr).toMatch(message);
    expect(ran.code).toBe(2);
    expect((await client.resolve('hello-pack', '^0.1.0 || ^0.2.0')).version).toBe('0.2.0');
    expect((await client.resolve('hello-pack', '0.1.0')).version).toBe('0.1.0');
  }, 60_000);
});

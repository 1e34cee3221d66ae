/**
 * `cordum registry mirror` between two real `cordum registry serve`
 * processes: the first run copies every version with its signature and
 * key (for the same publisher), the next copies only what is new, and a
 * run with nothing new copies nothing. Both storage back ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../packs/client/registry.js';
import { sha256Hex } from '../../packs/digest.js';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { cordum, json, startRegistry, stopAll, type RunningRegistry } from '../helpers/cli.js';
import { backends } from '../helpers/databases.js';
import { signedPack } from '../npm/fixtures.js';

interface Mirrored {
  copied: { id: string; version: string; sha256: string; source_log: number | null;
    destination_log: number | null }[];
  keys_added: { key_id: string; publisher: string }[];
  present: number;
}

describe.each(backends())('registry mirror ($name)', (backend) => {
  let source: RunningRegistry;
  let target: RunningRegistry;
  let from: RegistryClient;
  let to: RegistryClient;
  const key = generateKeyPair();
  const shas: Record<string, string> = {};

  beforeAll(async () => {
    [source, target] = await Promise.all([startRegistry(backend), startRegistry(backend)]);
    from = new RegistryClient({ url: source.url, token: source.token });
    to = new RegistryClient({ url: target.url, token: target.token });
    await from.addKey(key.publicPem, 'acme');
    for (const [name, version] of [['hello-pack', '0.1.0'], ['github', '0.1.0']] as const) {
      const pack = await signedPack(name, key, version);
      await from.publish(pack.tgz, pack.bundle, { publisher: 'acme' });
      shas[`${name}@${version}`] = sha256Hex(pack.tgz);
    }
  });
  afterAll(stopAll);

  const mirror = async () => json<Mirrored>(await cordum(['registry', 'mirror', '--from',
    source.url, '--from-token', source.token, '--registry', target.url, '--token',
    target.token, '--json']));

  it('copies every version, signature and key on the first run', async () => {
    const first = await mirror();
    expect(first.copied.map((c) => `${c.id}@${c.version}`).sort())
      .toEqual(['github@0.1.0', 'hello-pack@0.1.0']);
    expect(first.keys_added).toEqual([{ key_id: key.keyId, publisher: 'acme' }]);
    expect(first.present).toBe(0);
    // Both registries keep a transparency log: each copy is proved in both.
    for (const c of first.copied) {
      expect(typeof c.source_log, `${c.id} source log`).toBe('number');
      expect(typeof c.destination_log, `${c.id} destination log`).toBe('number');
    }

    const pack = await to.getPack('hello-pack');
    expect(pack.publisher).toBe('acme');
    expect(pack.versions.map((v) => [v.version, v.sha256, v.key_id]))
      .toEqual([['0.1.0', shas['hello-pack@0.1.0'], key.keyId]]);
    const bytes = await to.downloadTarball('hello-pack', '0.1.0');
    expect(sha256Hex(bytes)).toBe(shas['hello-pack@0.1.0']);
    expect(await to.downloadBundle('hello-pack', '0.1.0'))
      .toEqual(await from.downloadBundle('hello-pack', '0.1.0'));
    expect((await to.getKey(key.keyId)).publisher).toBe('acme');
  });

  it('copies only what is new on the next runs', async () => {
    const pack = await signedPack('hello-pack', key, '0.2.0');
    await from.publish(pack.tgz, pack.bundle, { publisher: 'acme' });

    const second = await mirror();
    // Each log holds the key's registration and two publishes before this one.
    expect(second.copied).toEqual([{ id: 'hello-pack', version: '0.2.0',
      sha256: sha256Hex(pack.tgz), key_id: key.keyId, source_log: 3, destination_log: 3 }]);
    expect(second.keys_added).toEqual([]);
    expect(second.present).toBe(2);

    const third = await mirror();
    expect(third.copied).toEqual([]);
    expect(third.present).toBe(3);
    expect((await to.resolve('hello-pack', '^0.2.0')).sha256).toBe(sha256Hex(pack.tgz));
  });

  it('fails with the source registry code when it cannot read the source', async () => {
    const r = await cordum(['registry', 'mirror', '--from', source.url, '--from-token', 'wrong',
      '--registry', target.url, '--token', target.token]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[token_invalid\]: the token is not known/m);
  });
});

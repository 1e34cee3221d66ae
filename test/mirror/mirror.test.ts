/**
 * `cordum registry mirror` between two real `cordum registry serve`
 * processes: the first run copies every version with its signature and
 * key (for the same publisher) and the source log's proof of it, the next
 * copies only what is new, and a run with nothing new copies nothing. The
 * proofs the destination holds verify offline against the source's log key,
 * also through `cordum pack verify --upstream-log-key`. Both storage back ends.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../packs/client/registry.js';
import { sha256Hex } from '../../packs/digest.js';
import { generateKeyPair } from '../../packs/signing/keys.js';
import type { LogKey } from '../../packs/tlog/tree-head.js';
import { publishExpected, verifyHeldUpstream } from '../../packs/tlog/upstream.js';
import { cordum, json, startRegistry, stopAll, type RunningRegistry } from '../helpers/cli.js';
import { backends } from '../helpers/databases.js';
import { signedPack, writeSigned, type SignedPack } from '../npm/fixtures.js';

interface Mirrored {
  copied: { id: string; version: string; sha256: string; source_log: number | null;
    destination_log: number | null }[];
  keys_added: { key_id: string; publisher: string }[];
  evidence_stored: { id: string; version: string; source_log: number }[];
  key_evidence_stored: { key_id: string; source_log: number }[];
  present: number;
}

describe.each(backends())('registry mirror ($name)', (backend) => {
  let source: RunningRegistry;
  let target: RunningRegistry;
  let from: RegistryClient;
  let to: RegistryClient;
  const key = generateKeyPair();
  const shas: Record<string, string> = {};
  const packs: Record<string, SignedPack> = {};
  let sourceLog: LogKey;

  beforeAll(async () => {
    [source, target] = await Promise.all([startRegistry(backend), startRegistry(backend)]);
    from = new RegistryClient({ url: source.url, token: source.token });
    to = new RegistryClient({ url: target.url, token: target.token });
    await from.addKey(key.publicPem, 'acme');
    for (const [name, version] of [['hello-pack', '0.1.0'], ['github', '0.1.0']] as const) {
      const pack = await signedPack(name, key, version);
      await from.publish(pack.tgz, pack.bundle, { publisher: 'acme' });
      shas[`${name}@${version}`] = sha256Hex(pack.tgz);
      packs[`${name}@${version}`] = pack;
    }
    sourceLog = await from.logKey();
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

    // The source log's entries arrived with them: each verifies against the source's log key.
    expect(first.evidence_stored).toEqual(first.copied.map((c) => ({ id: c.id,
      version: c.version, source_log: c.source_log })));
    // The key's registration was the source log's first entry.
    expect(first.key_evidence_stored).toEqual([{ key_id: key.keyId, source_log: 0 }]);
    const keyProof = (await to.keyUpstreamLog(key.keyId)).upstream;
    expect(verifyHeldUpstream(keyProof, { kind: 'key_add', key_id: key.keyId,
      publisher: 'acme' }, sourceLog.public_key).entry.index).toBe(0);
    for (const c of first.copied) {
      const { upstream } = await to.upstreamLog(c.id, c.version);
      expect(upstream.map((e) => [e.log_key.key_id, e.source, e.entry.index]))
        .toEqual([[sourceLog.key_id, source.url, c.source_log]]);
      const expected = publishExpected({ id: c.id, version: c.version, sha256: c.sha256,
        keyId: key.keyId });
      const held = verifyHeldUpstream(upstream, expected, sourceLog.public_key);
      expect(held.tree_head.origin).toBe(sourceLog.origin);
    }
  });

  it('`cordum pack verify` checks the copied source log entry offline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-mirror-verify-'));
    const tgz = writeSigned(dir, packs['hello-pack@0.1.0']!);
    writeFileSync(join(dir, 'key.pem'), key.publicPem);
    writeFileSync(join(dir, 'source-log.pem'), sourceLog.public_key);
    writeFileSync(join(dir, 'target-log.pem'), (await to.logKey()).public_key);
    const verify = (logKey: string) => cordum(['pack', 'verify', tgz, '--key',
      join(dir, 'key.pem'), '--registry', target.url, '--token', target.token,
      '--upstream-log-key', join(dir, logKey), '--json']);

    const ok = json<{ log: { upstream: { origin: string; index: number } } }>(
      await verify('source-log.pem'));
    const sourceIndex = (await from.logEntries({ sha256: shas['hello-pack@0.1.0'] }))
      .entries[0]!.index;
    expect(ok.log.upstream).toMatchObject({ origin: sourceLog.origin, index: sourceIndex });
    // The destination's own log key is not the source's: no upstream evidence of that log.
    const wrong = await verify('target-log.pem');
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('log_entry_missing');
  });

  it('copies only what is new on the next runs', async () => {
    const pack = await signedPack('hello-pack', key, '0.2.0');
    await from.publish(pack.tgz, pack.bundle, { publisher: 'acme' });

    const second = await mirror();
    // Each log holds the key's registration and two publishes before this one.
    expect(second.copied).toEqual([{ id: 'hello-pack', version: '0.2.0',
      sha256: sha256Hex(pack.tgz), key_id: key.keyId, source_log: 3, destination_log: 3 }]);
    expect(second.keys_added).toEqual([]);
    expect(second.key_evidence_stored).toEqual([]);
    expect(second.evidence_stored).toEqual([{ id: 'hello-pack', version: '0.2.0',
      source_log: 3 }]);
    expect(second.present).toBe(2);

    const third = await mirror();
    expect(third.copied).toEqual([]);
    expect(third.evidence_stored).toEqual([]);
    expect(third.key_evidence_stored).toEqual([]);
    expect((await to.upstreamLog('hello-pack', '0.2.0')).upstream).toHaveLength(1);
    expect(third.present).toBe(3);
    expect((await to.resolve('hello-pack', '^0.2.0')).sha256).toBe(sha256Hex(pack.tgz));
  });

  it('refuses a --pack the source does not list, copying nothing', async () => {
    const r = await cordum(['registry', 'mirror', '--from', source.url, '--from-token',
      source.token, '--registry', target.url, '--token', target.token, '--pack', 'hello-pack',
      '--pack', 'helo-pack']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error[pack_not_found]: --pack helo-pack: ${source.url} lists ` +
      'no such pack (check the id, and that the --from token may read it); nothing was copied');
    expect(r.stderr).not.toContain('copying');
  });

  it('fails with the source registry code when it cannot read the source', async () => {
    const r = await cordum(['registry', 'mirror', '--from', source.url, '--from-token', 'wrong',
      '--registry', target.url, '--token', target.token]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[token_invalid\]: the token is not known/m);
    // The hint names the registry that refused and the flag that gives its token.
    expect(r.stderr).toContain(`(registry ${source.url}: give one with --from-token or ` +
      'CORDUM_MIRROR_FROM_TOKEN)\n');
  });
});

/**
 * `cordum registry mirror`: copies every pack version the destination
 * lacks from one Cordum registry to another, oldest first, each verified
 * here (digest, key, signature, contents) before it is uploaded, with the
 * signer's key registered for the same publisher. The destination checks
 * it all again on publish. A second run finds nothing new and copies
 * nothing, so it can run from cron across an air-gap transfer host.
 *
 * Transparency logs (log.ts): a version the source logged must be proved
 * in the source's log before it is copied, and its new entry in the
 * destination's log is proved after. Not copied: yanks and key
 * revocations (the destination keeps its own).
 */
import semver from 'semver';
import { RegistryRequestError, type RegisteredKey, type RegistryClient, type VersionSummary }
  from '../client/registry.js';
import { parseJson } from '../documents.js';
import { PackError } from '../errors.js';
import { verifyDownloaded } from '../offline/verify.js';
import { logKeyOf, provedIndex } from './log.js';

export interface MirrorResult {
  from: string;
  to: string;
  copied: { id: string; version: string; sha256: string; key_id: string;
    /** Proved index in each registry's transparency log; null where there is none. */
    source_log: number | null; destination_log: number | null }[];
  keys_added: { key_id: string; publisher: string }[];
  /** Versions already at the destination. */
  present: number;
}

function isNotFound(err: unknown): boolean {
  return err instanceof RegistryRequestError && err.status === 404;
}

/** Versions of `id` the destination has (none when it has no such pack). */
async function presentVersions(to: RegistryClient, id: string): Promise<Set<string>> {
  try {
    return new Set((await to.getPack(id)).versions.map((v) => v.version));
  } catch (err) {
    if (isNotFound(err)) return new Set();
    throw err;
  }
}

class KeyCopier {
  private readonly known = new Map<string, RegisteredKey>();
  readonly added: MirrorResult['keys_added'] = [];

  constructor(private readonly from: RegistryClient, private readonly to: RegistryClient) {}

  /** The source's key, registered at the destination for the same publisher. */
  async ensure(keyId: string): Promise<RegisteredKey> {
    const cached = this.known.get(keyId);
    if (cached) return cached;
    const key = await this.from.getKey(keyId);
    try {
      const there = await this.to.getKey(keyId);
      if (there.publisher !== key.publisher) {
        throw new PackError('signature_unknown_key', `key ${keyId} belongs to ${key.publisher} ` +
          `at the source but to ${there.publisher} at the destination`);
      }
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await this.to.addKey(key.public_key, key.publisher);
      this.added.push({ key_id: keyId, publisher: key.publisher });
    }
    this.known.set(keyId, key);
    return key;
  }
}

interface Logs {
  from: string | undefined;
  to: string | undefined;
}

async function copyVersion(from: RegistryClient, to: RegistryClient, keys: KeyCopier,
  pack: { id: string; publisher: string }, v: VersionSummary, logs: Logs) {
  const tgz = await from.fetchBytes(v.tarball_url);
  const bundleBytes = await from.fetchBytes(v.bundle_url);
  const bundle = parseJson(bundleBytes.toString('utf8'), v.bundle_url);
  const key = await keys.ensure(v.key_id);
  await verifyDownloaded({ id: pack.id, version: v.version, sha256: v.sha256,
    key_id: v.key_id }, tgz, bundle, key.public_key);
  const sourceLog = await provedIndex(from, logs.from, v.sha256);
  try {
    await to.publish(tgz, bundleBytes, { publisher: pack.publisher,
      fileName: `${pack.id}-${v.version}.tgz` });
  } catch (err) {
    // Another mirror run got there first: the version is present, which is the goal.
    if (err instanceof RegistryRequestError && err.code === 'version_exists') return undefined;
    throw err;
  }
  return { source_log: sourceLog, destination_log: await provedIndex(to, logs.to, v.sha256) };
}

export async function mirrorRegistry(options: {
  from: RegistryClient;
  to: RegistryClient;
  /** Only these pack ids (default: every pack of the source). */
  packs?: string[];
  progress?: (line: string) => void;
}): Promise<MirrorResult> {
  const { from, to } = options;
  const progress = options.progress ?? (() => undefined);
  const keys = new KeyCopier(from, to);
  const result: MirrorResult = { from: from.url, to: to.url, copied: [], keys_added: keys.added,
    present: 0 };
  const wanted = options.packs && options.packs.length > 0 ? new Set(options.packs) : undefined;
  const listed = (await from.listPacks()).packs.filter((p) => !wanted || wanted.has(p.id));
  const logs: Logs = { from: await logKeyOf(from), to: await logKeyOf(to) };

  for (const summary of listed) {
    const detail = await from.getPack(summary.id);
    const present = await presentVersions(to, detail.id);
    const missing = detail.versions.filter((v) => !present.has(v.version))
      .sort((a, b) => semver.compare(a.version, b.version));
    result.present += detail.versions.length - missing.length;
    for (const v of missing) {
      progress(`copying ${detail.id}@${v.version}`);
      const copied = await copyVersion(from, to, keys, detail, v, logs);
      if (copied) {
        result.copied.push({ id: detail.id, version: v.version, sha256: v.sha256,
          key_id: v.key_id, ...copied });
      } else {
        result.present += 1;
      }
    }
  }
  return result;
}

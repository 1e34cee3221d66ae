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
 * destination's log is proved after. The source's proof (entry, audit
 * path, signed tree head, log key) is stored at the destination as
 * upstream evidence, for this copy and for any version present there
 * without it, so a run also fills in what an earlier mirror left out; so is
 * the source log's proof of each signing key's registration. Not copied:
 * yanks and key revocations (the destination keeps its own).
 */
import semver from 'semver';
import { RegistryRequestError, type RegisteredKey, type RegistryClient, type VersionSummary }
  from '../client/registry.js';
import { parseJson } from '../documents.js';
import { PackError } from '../errors.js';
import { verifyDownloaded } from '../offline/verify.js';
import {
  keySubject, logKeyOf, provedEntry, storeEvidence, versionSubject, type Logs, type ProvedEntry,
  type VersionRef,
} from './log.js';

export interface MirrorResult {
  from: string;
  to: string;
  copied: { id: string; version: string; sha256: string; key_id: string;
    /** Proved index in each registry's transparency log; null where there is none. */
    source_log: number | null; destination_log: number | null }[];
  keys_added: { key_id: string; publisher: string }[];
  /** Versions whose source log proof was stored at the destination this run. */
  evidence_stored: { id: string; version: string; source_log: number }[];
  /** Keys whose registration's source log proof was stored this run. */
  key_evidence_stored: { key_id: string; source_log: number }[];
  /** Versions already at the destination. */
  present: number;
  /** Packs private at the source, left out (see mirrorRegistry). */
  skipped_private: string[];
}

function isNotFound(err: unknown): boolean {
  return err instanceof RegistryRequestError && err.status === 404;
}

/** Versions of `id` the destination has, with their digests (none when it has no such pack). */
async function presentVersions(to: RegistryClient, id: string): Promise<Map<string, string>> {
  try {
    return new Map((await to.getPack(id)).versions.map((v) => [v.version, v.sha256]));
  } catch (err) {
    if (isNotFound(err)) return new Map();
    throw err;
  }
}

class KeyCopier {
  private readonly known = new Map<string, RegisteredKey>();
  readonly added: MirrorResult['keys_added'] = [];
  readonly evidence: MirrorResult['key_evidence_stored'] = [];

  constructor(private readonly from: RegistryClient, private readonly to: RegistryClient,
    private readonly logs: Logs) {}

  /**
   * The source's key, registered at the destination for the same publisher,
   * with the source log's proof of its registration there.
   */
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
    const stored = await storeEvidence(this.from, this.to, keySubject(keyId, key.publisher),
      this.logs);
    if (stored !== null) this.evidence.push({ key_id: keyId, source_log: stored });
    this.known.set(keyId, key);
    return key;
  }
}

async function copyVersion(from: RegistryClient, to: RegistryClient, keys: KeyCopier,
  pack: { id: string; publisher: string }, v: VersionSummary, logs: Logs) {
  const tgz = await from.fetchBytes(v.tarball_url);
  const bundleBytes = await from.fetchBytes(v.bundle_url);
  const bundle = parseJson(bundleBytes.toString('utf8'), v.bundle_url);
  const key = await keys.ensure(v.key_id);
  await verifyDownloaded({ id: pack.id, version: v.version, sha256: v.sha256,
    key_id: v.key_id }, tgz, bundle, key.public_key);
  const subject = versionSubject({ id: pack.id, version: v.version, sha256: v.sha256,
    key_id: v.key_id });
  const source = await provedEntry(from, logs.from, subject);
  try {
    await to.publish(tgz, bundleBytes, { publisher: pack.publisher,
      fileName: `${pack.id}-${v.version}.tgz` });
  } catch (err) {
    // Another mirror run got there first: the version is present, which is the goal.
    if (err instanceof RegistryRequestError && err.code === 'version_exists') return undefined;
    throw err;
  }
  const destination = await provedEntry(to, logs.to, subject);
  return { source, source_log: source?.index ?? null,
    destination_log: destination?.index ?? null };
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
  const wanted = options.packs && options.packs.length > 0 ? new Set(options.packs) : undefined;
  const listed = (await from.listPacks()).packs.filter((p) => !wanted || wanted.has(p.id));
  // A --pack the source does not list (a typo, or a pack its token may not see) would
  // otherwise end as "0 copied" and exit 0, as if it were mirrored.
  const missing = [...(wanted ?? [])].filter((id) => !listed.some((p) => p.id === id));
  if (missing.length > 0) {
    throw new PackError('pack_not_found', `--pack ${missing.join(', ')}: ${from.url} lists ` +
      'no such pack (check the id, and that the --from token may read it); nothing was copied');
  }
  const logs: Logs = { from: await logKeyOf(from), to: await logKeyOf(to) };
  const keys = new KeyCopier(from, to, logs);
  const result: MirrorResult = { from: from.url, to: to.url, copied: [], keys_added: keys.added,
    evidence_stored: [], key_evidence_stored: keys.evidence, present: 0, skipped_private: [] };

  for (const summary of listed) {
    const detail = await from.getPack(summary.id);
    // A private pack stays where it is: published at the destination it would be public
    // until its visibility is set, and its publisher's members are not copied.
    if (detail.private === true) {
      progress(`skipping ${detail.id}: it is private at the source`);
      result.skipped_private.push(detail.id);
      continue;
    }
    const present = await presentVersions(to, detail.id);
    const versions = [...detail.versions].sort((a, b) => semver.compare(a.version, b.version));
    for (const v of versions) {
      const ref: VersionRef = { id: detail.id, version: v.version, sha256: v.sha256,
        key_id: v.key_id };
      let proved: ProvedEntry | null | undefined;
      const there = present.get(v.version);
      if (there === undefined) {
        progress(`copying ${detail.id}@${v.version}`);
        const copied = await copyVersion(from, to, keys, detail, v, logs);
        if (copied) {
          const { source, ...indexes } = copied;
          result.copied.push({ ...ref, ...indexes });
          proved = source;
        } else {
          result.present += 1;
        }
      } else {
        result.present += 1;
        // Another version under the same number: not this one, so no proof of it belongs there.
        if (there !== v.sha256) continue;
        await keys.ensure(v.key_id);
      }
      const stored = await storeEvidence(from, to, versionSubject(ref), logs, proved);
      if (stored !== null) {
        result.evidence_stored.push({ id: detail.id, version: v.version, source_log: stored });
      }
    }
  }
  return result;
}

/**
 * The transparency logs around a mirrored version: before copying, the
 * version must be an entry of the source's log (when the source keeps one),
 * proved with an audit path checked here against a tree head signed by the
 * source's log key; after copying, the destination's own log entry for it
 * is proved the same way. A log's entries cannot be appended to another log
 * (each registry signs its own tree), so the source's proof travels
 * instead: the entry, its audit path, the signed head and the source's log
 * key are stored at the destination as upstream evidence
 * (`PUT .../log/upstream`), which the destination checks before keeping.
 */
import { RegistryRequestError, type RegistryClient } from '../client/registry.js';
import { isPackError } from '../errors.js';
import { checkEntryInclusion, checkInclusion, type InclusionResult } from '../tlog/check.js';
import type { LogKey } from '../tlog/tree-head.js';
import {
  publishExpected, verifyUpstream, type ExpectedEntry, type StoredUpstream,
  type UpstreamEvidence,
} from '../tlog/upstream.js';

/** The registry's log key, or undefined when it keeps no log. */
export async function logKeyOf(client: RegistryClient): Promise<LogKey | undefined> {
  try {
    return await client.logKey();
  } catch (err) {
    if (err instanceof RegistryRequestError && err.status === 404) return undefined;
    throw err;
  }
}

export interface ProvedEntry {
  index: number;
  /** The proof as upstream evidence, for another registry to keep. */
  evidence: UpstreamEvidence;
}

/** What evidence is about: the entry it must be, and where a registry keeps it. */
export interface EvidenceSubject {
  name: string;
  expected: ExpectedEntry;
  /** Finds and proves the entry in a registry's log (`logKeyPem`: the key to trust). */
  prove(client: RegistryClient, logKeyPem: string): Promise<InclusionResult>;
  held(client: RegistryClient): Promise<{ upstream: StoredUpstream[] }>;
  put(client: RegistryClient, evidence: UpstreamEvidence): Promise<unknown>;
}

export interface VersionRef {
  id: string;
  version: string;
  sha256: string;
  key_id: string;
}

export function versionSubject(v: VersionRef): EvidenceSubject {
  return {
    name: `${v.id}@${v.version}`,
    expected: publishExpected({ id: v.id, version: v.version, sha256: v.sha256,
      keyId: v.key_id }),
    prove: (client, logKeyPem) => checkInclusion(client, { sha256: v.sha256, logKeyPem }),
    held: (client) => client.upstreamLog(v.id, v.version),
    put: (client, e) => client.putUpstreamLog(v.id, v.version, e),
  };
}

/** A key's registration for its publisher (a `key_add` entry). */
export function keySubject(keyId: string, publisher: string): EvidenceSubject {
  const expected = { kind: 'key_add', key_id: keyId, publisher };
  return {
    name: `key ${keyId}`,
    expected,
    prove: (client, logKeyPem) => checkEntryInclusion(client, { query: { key_id: keyId },
      match: (e) => Object.entries(expected).every(([k, want]) => e[k] === want),
      what: `registration of key ${keyId} for ${publisher}`, logKeyPem }),
    held: (client) => client.keyUpstreamLog(keyId),
    put: (client, e) => client.putKeyUpstreamLog(keyId, e),
  };
}

/**
 * The subject's entry in the log, proved; null when the registry keeps no
 * log or the entry predates it. A bad proof or signature throws.
 */
export async function provedEntry(client: RegistryClient, key: LogKey | undefined,
  subject: EvidenceSubject): Promise<ProvedEntry | null> {
  if (key === undefined) return null;
  try {
    const r = await subject.prove(client, key.public_key);
    return { index: r.index, evidence: { source: client.url,
      log_key: { key_id: key.key_id, public_key: key.public_key, origin: key.origin },
      entry: { index: r.index, body: r.body }, audit_path: r.audit_path, tree_head: r.head } };
  } catch (err) {
    if (isPackError(err) && err.code === 'log_entry_missing') return null;
    throw err;
  }
}

/**
 * The evidence `client` holds about the subject; undefined when it keeps
 * none (a registry older than the upstream routes answers 404 `not_found`).
 */
export async function heldEvidence(client: RegistryClient, subject: EvidenceSubject):
Promise<StoredUpstream[] | undefined> {
  try {
    return (await subject.held(client)).upstream;
  } catch (err) {
    if (err instanceof RegistryRequestError && err.status === 404 && err.code === 'not_found') {
      return undefined;
    }
    throw err;
  }
}

const asEvidence = (e: StoredUpstream): UpstreamEvidence => ({ source: e.source,
  log_key: e.log_key, entry: e.entry, audit_path: e.audit_path, tree_head: e.tree_head });

/**
 * Stores at `to` the evidence it lacks (`held`: the log key ids it has):
 * the source's own proof, then what the source holds from further upstream
 * (a chain of mirrors), each checked here first. Answers whether the
 * source's own proof was stored.
 */
export async function copyEvidence(from: RegistryClient, to: RegistryClient,
  subject: EvidenceSubject, own: UpstreamEvidence | null, held: Set<string>): Promise<boolean> {
  let stored = false;
  if (own && !held.has(own.log_key.key_id)) {
    await subject.put(to, own);
    held.add(own.log_key.key_id);
    stored = true;
  }
  for (const e of (await heldEvidence(from, subject)) ?? []) {
    if (held.has(e.log_key.key_id)) continue;
    const evidence = asEvidence(e);
    verifyUpstream(evidence, subject.expected, evidence.log_key.public_key);
    await subject.put(to, evidence);
    held.add(e.log_key.key_id);
  }
  return stored;
}

/** Both registries' log keys (undefined: that registry keeps no log). */
export interface Logs {
  from: LogKey | undefined;
  to: LogKey | undefined;
}

/**
 * Stores the source's log proof of a subject the destination has, unless
 * it holds it already; answers the source index stored, or null.
 * `proved`: the proof when the caller made it already.
 */
export async function storeEvidence(from: RegistryClient, to: RegistryClient,
  subject: EvidenceSubject, logs: Logs, proved?: ProvedEntry | null): Promise<number | null> {
  if (!logs.from) return null;
  const there = await heldEvidence(to, subject);
  if (there === undefined) return null;
  const held = new Set(there.map((e) => e.log_key.key_id));
  // The destination's own log is never its own upstream (a mirror run back the other way).
  if (logs.to) held.add(logs.to.key_id);
  if (held.has(logs.from.key_id)) return null;
  const own = proved === undefined ? await provedEntry(from, logs.from, subject) : proved;
  const stored = await copyEvidence(from, to, subject, own?.evidence ?? null, held);
  return stored && own ? own.index : null;
}

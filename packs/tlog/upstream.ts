/**
 * Upstream log evidence: what a mirror carries from the source registry's
 * transparency log to the destination, because one log's entries cannot be
 * appended to another (each registry signs its own tree). It is the source's
 * entry (its exact bytes and index), its audit path, the tree head the path
 * was proved against, and the source's log key. Anyone holding the source's
 * log key checks it offline: the entry is the one expected, it hashes to a
 * leaf the audit path proves under the head's root, and the head is signed.
 * The registry checks it on upload; `cordum pack verify` checks it again.
 */
import { canonicalJson } from '../canonical.js';
import { isPackError, PackError } from '../errors.js';
import { keyIdOf } from '../signing/keys.js';
import { leafHash, verifyInclusion } from './merkle.js';
import { verifyTreeHead, type LogKey, type SignedTreeHead } from './tree-head.js';
import { isSha256Hex } from '../digest.js';

/** `PUT|GET /v1/packs/{id}/versions/{version}/log/upstream`. */
export interface UpstreamEvidence {
  /** Where it was copied from (informational: trust comes from the log key). */
  source: string;
  log_key: Pick<LogKey, 'key_id' | 'public_key' | 'origin'>;
  /** `body` is the exact text the source's leaf hashes. */
  entry: { index: number; body: string };
  /** Hex hashes, leaf upwards, proving the entry under `tree_head`. */
  audit_path: string[];
  tree_head: SignedTreeHead;
}

/** Evidence as a registry answers it: checked on upload, with its leaf hash. */
export interface StoredUpstream extends UpstreamEvidence {
  leaf_hash: string;
  recorded_at: string;
}

/** The facts the entry must state (a publish: kind, pack_id, version, sha256, key_id). */
export type ExpectedEntry = Record<string, string>;

/** Why evidence was refused: a wrong entry, a bad proof, or a bad head signature. */
export type UpstreamFault = 'entry' | 'proof' | 'signature';

export type UpstreamCheck =
  | { ok: true; leaf_hash: string }
  | { ok: false; fault: UpstreamFault; message: string };

/** Audit paths longer than this cannot be real (a tree of 2^64 entries). */
const MAX_PATH = 64;

/** The entry's facts as a publish of this version states them. */
export function publishExpected(v: { id: string; version: string; sha256: string;
  keyId: string }): ExpectedEntry {
  return { kind: 'publish', pack_id: v.id, version: v.version, sha256: v.sha256,
    key_id: v.keyId };
}

function entryFault(body: string, expected: ExpectedEntry): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'the entry body is not JSON';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return 'the entry body is not a JSON object';
  }
  // Canonical text only: two parsers cannot then read different facts from one leaf.
  if (canonicalJson(parsed) !== body) return 'the entry body is not canonical JSON';
  const facts = parsed as Record<string, unknown>;
  for (const [field, want] of Object.entries(expected)) {
    if (facts[field] !== want) {
      const got = JSON.stringify(facts[field]);
      return `the entry's ${field} is ${got}, not ${JSON.stringify(want)}`;
    }
  }
  return undefined;
}

function signatureFault(e: UpstreamEvidence, trustedPem: string): string | undefined {
  try {
    const keyId = keyIdOf(trustedPem);
    if (e.log_key.key_id !== keyId) {
      return `the evidence names log key ${e.log_key.key_id}, not ${keyId}`;
    }
    if (e.tree_head.origin !== e.log_key.origin) {
      return `the tree head is of log ${e.tree_head.origin}, not ${e.log_key.origin}`;
    }
    verifyTreeHead(e.tree_head, trustedPem);
  } catch (err) {
    if (isPackError(err)) return err.message;
    throw err;
  }
  return undefined;
}

function proofFault(e: UpstreamEvidence, leaf: Buffer): string | undefined {
  const { index } = e.entry;
  const size = e.tree_head.tree_size;
  if (e.audit_path.length > MAX_PATH || !e.audit_path.every(isSha256Hex) ||
    !isSha256Hex(e.tree_head.root_hash)) {
    return 'the audit path and root must be at most 64 hex SHA-256 hashes';
  }
  const path = e.audit_path.map((h) => Buffer.from(h, 'hex'));
  if (!verifyInclusion(leaf, index, size, path, Buffer.from(e.tree_head.root_hash, 'hex'))) {
    return `entry ${index} is not proved to be in the source log of size ${size}`;
  }
  return undefined;
}

/**
 * Checks `evidence` offline: the entry states `expected`, its audit path
 * proves it under the tree head, and the head is signed by `trustedPem`
 * (default: the key the evidence carries, which proves only that the
 * evidence is self-consistent; pass the source's own key to trust it).
 */
export function checkUpstream(evidence: UpstreamEvidence, expected: ExpectedEntry,
  trustedPem: string = evidence.log_key.public_key): UpstreamCheck {
  const wrongEntry = entryFault(evidence.entry.body, expected);
  if (wrongEntry) return { ok: false, fault: 'entry', message: wrongEntry };
  const badSignature = signatureFault(evidence, trustedPem);
  if (badSignature) return { ok: false, fault: 'signature', message: badSignature };
  const leaf = leafHash(evidence.entry.body);
  const badProof = proofFault(evidence, leaf);
  if (badProof) return { ok: false, fault: 'proof', message: badProof };
  return { ok: true, leaf_hash: leaf.toString('hex') };
}

const FAULT_CODES = {
  entry: 'log_entry_missing',
  proof: 'log_proof_invalid',
  signature: 'log_signature_invalid',
} as const;

/** `checkUpstream`, throwing the pack-format code of the fault. */
export function verifyUpstream(evidence: UpstreamEvidence, expected: ExpectedEntry,
  trustedPem: string): { leaf_hash: string } {
  const result = checkUpstream(evidence, expected, trustedPem);
  if (!result.ok) {
    throw new PackError(FAULT_CODES[result.fault],
      `upstream log evidence from ${evidence.source}: ${result.message}`);
  }
  return { leaf_hash: result.leaf_hash };
}

/**
 * Of the evidence a registry holds for a version, the one of the log whose
 * key is `trustedPem`, checked; `log_entry_missing` when it holds none.
 */
export function verifyHeldUpstream(held: StoredUpstream[], expected: ExpectedEntry,
  trustedPem: string): StoredUpstream {
  const keyId = keyIdOf(trustedPem);
  const found = held.find((e) => e.log_key.key_id === keyId);
  if (!found) {
    const about = expected.pack_id !== undefined
      ? `${expected.pack_id}@${expected.version ?? ''}` : `key ${expected.key_id ?? ''}`;
    throw new PackError('log_entry_missing', `the registry holds no upstream log evidence ` +
      `for ${about} from the log of key ${keyId}`);
  }
  verifyUpstream(found, expected, trustedPem);
  return found;
}

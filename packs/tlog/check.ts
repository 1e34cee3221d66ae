/**
 * A client's check of the registry's transparency log: the tree head is
 * signed by the log key, the log is consistent with the tree head this
 * client saw before (so history was only appended to, never rewritten), and
 * the publish of a tarball is an entry of the tree, proved by an audit path
 * the client verifies itself from the entry's own bytes.
 */
import { PackError } from '../errors.js';
import { leafHash, verifyConsistency, verifyInclusion } from './merkle.js';
import { verifyTreeHead, type LogKey, type SignedTreeHead } from './tree-head.js';
import type { ConsistencyProof, EntryQuery, InclusionProof, LogEntryView } from './types.js';

/** The reads of `/v1/log` a check needs (`RegistryClient` has them). */
export interface LogReader {
  logKey(): Promise<LogKey>;
  logTreeHead(treeSize?: number): Promise<SignedTreeHead>;
  logEntries(query: EntryQuery): Promise<{ entries: LogEntryView[] }>;
  logInclusion(index: number, treeSize: number): Promise<InclusionProof>;
  logConsistency(first: number, second: number): Promise<ConsistencyProof>;
}

export interface InclusionRequest {
  sha256: string;
  /** The log key to trust (PEM); when absent, the one the registry names. */
  logKeyPem?: string;
  /** A tree head this client verified before; the new one must extend it. */
  previous?: SignedTreeHead;
}

export interface InclusionResult {
  index: number;
  entry: Record<string, unknown>;
  /** The entry's exact text and the audit path proving it under `head` (hex). */
  body: string;
  audit_path: string[];
  head: SignedTreeHead;
}

const hashes = (hex: string[]) => hex.map((h) => Buffer.from(h, 'hex'));

/** Throws `log_inconsistent` unless `head` extends `previous`. */
export async function checkConsistency(
  reader: LogReader,
  previous: SignedTreeHead,
  head: SignedTreeHead,
): Promise<void> {
  if (previous.origin !== head.origin) {
    throw new PackError('log_inconsistent',
      `the log is ${head.origin}, but the saved tree head is of ${previous.origin}`);
  }
  if (previous.tree_size > head.tree_size) {
    throw new PackError('log_inconsistent', `the log shrank from ${previous.tree_size} ` +
      `entries to ${head.tree_size}: its history was rewritten`);
  }
  const { proof } = await reader.logConsistency(previous.tree_size, head.tree_size);
  const ok = verifyConsistency(previous.tree_size, head.tree_size,
    Buffer.from(previous.root_hash, 'hex'), Buffer.from(head.root_hash, 'hex'), hashes(proof));
  if (!ok) {
    throw new PackError('log_inconsistent', `the log of size ${head.tree_size} does not extend ` +
      `the tree head of size ${previous.tree_size} seen before: its history was rewritten`,
    { details: { previous: previous.root_hash, current: head.root_hash } });
  }
}

/** An entry to find and prove: what to ask the log for, and which answer is it. */
export interface EntryRequest {
  query: EntryQuery;
  match: (entry: Record<string, unknown>) => boolean;
  /** Names it in errors, e.g. `publish entry for sha256:…`. */
  what: string;
  logKeyPem?: string;
  previous?: SignedTreeHead;
}

function entryOf(entries: LogEntryView[], request: EntryRequest): LogEntryView {
  const found = entries.find((e) => request.match(JSON.parse(e.body) as Record<string, unknown>));
  if (!found) {
    throw new PackError('log_entry_missing', `the registry's log has no ${request.what}`);
  }
  return found;
}

/** Runs every check on the entry `request` finds; answers it and the verified tree head. */
export async function checkEntryInclusion(
  reader: LogReader,
  request: EntryRequest,
): Promise<InclusionResult> {
  // Entries first: a tree head fetched after them covers every entry found.
  const { entries } = await reader.logEntries(request.query);
  const entry = entryOf(entries, request);
  const pem = request.logKeyPem ?? (await reader.logKey()).public_key;
  const head = await reader.logTreeHead();
  verifyTreeHead(head, pem);
  if (request.previous) await checkConsistency(reader, request.previous, head);

  // The leaf is hashed here from the entry's bytes, never taken from the server.
  const leaf = leafHash(entry.body);
  const proof = await reader.logInclusion(entry.index, head.tree_size);
  const ok = verifyInclusion(leaf, entry.index, head.tree_size, hashes(proof.audit_path),
    Buffer.from(head.root_hash, 'hex'));
  if (!ok) {
    throw new PackError('log_proof_invalid', `entry ${entry.index} (${request.what}) ` +
      `is not proved to be in the log of size ${head.tree_size}`);
  }
  return { index: entry.index, entry: JSON.parse(entry.body) as Record<string, unknown>,
    body: entry.body, audit_path: proof.audit_path, head };
}

/** Runs every check on the publish of `sha256`; answers the entry and the verified head. */
export function checkInclusion(
  reader: LogReader,
  request: InclusionRequest,
): Promise<InclusionResult> {
  const { sha256 } = request;
  return checkEntryInclusion(reader, { query: { sha256 },
    match: (e) => e.kind === 'publish' && e.sha256 === sha256,
    what: `publish entry for sha256:${sha256}`,
    ...(request.logKeyPem ? { logKeyPem: request.logKeyPem } : {}),
    ...(request.previous ? { previous: request.previous } : {}) });
}

/**
 * Parses the body of `PUT .../log/upstream` into typed evidence: every
 * field present with its type, or `request_invalid` naming the field. What
 * the values prove is checked afterwards (packs/tlog/upstream.ts).
 */
import type { SignedTreeHead } from '../../packs/tlog/tree-head.js';
import type { UpstreamEvidence } from '../../packs/tlog/upstream.js';
import { RegistryError } from '../errors.js';

type Fields = Record<string, unknown>;

function invalid(path: string, expected: string): RegistryError {
  return new RegistryError('request_invalid', `\`${path}\` must be ${expected}`);
}

function object(value: unknown, path: string): Fields {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(path, 'an object');
  }
  return value as Fields;
}

function text(o: Fields, name: string, path: string): string {
  const value = o[name];
  if (typeof value !== 'string' || value === '') {
    throw invalid(path ? `${path}.${name}` : name, 'a string');
  }
  return value;
}

function count(o: Fields, name: string, path: string): number {
  const value = o[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(`${path}.${name}`, 'a non-negative integer');
  }
  return value;
}

function treeHead(value: unknown): SignedTreeHead {
  const h = object(value, 'tree_head');
  return { origin: text(h, 'origin', 'tree_head'), tree_size: count(h, 'tree_size', 'tree_head'),
    root_hash: text(h, 'root_hash', 'tree_head'), timestamp: text(h, 'timestamp', 'tree_head'),
    key_id: text(h, 'key_id', 'tree_head'), signature: text(h, 'signature', 'tree_head') };
}

export function parseUpstreamEvidence(body: Fields): UpstreamEvidence {
  const key = object(body.log_key, 'log_key');
  const entry = object(body.entry, 'entry');
  const path = body.audit_path;
  if (!Array.isArray(path) || !path.every((h) => typeof h === 'string')) {
    throw invalid('audit_path', 'an array of hex strings');
  }
  return {
    source: text(body, 'source', ''),
    log_key: { key_id: text(key, 'key_id', 'log_key'),
      public_key: text(key, 'public_key', 'log_key'), origin: text(key, 'origin', 'log_key') },
    entry: { index: count(entry, 'index', 'entry'), body: text(entry, 'body', 'entry') },
    audit_path: path as string[],
    tree_head: treeHead(body.tree_head),
  };
}

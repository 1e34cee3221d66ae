/**
 * The transparency-log part of `cordum pack verify --registry URL`: checks
 * that the registry's signed log includes the publish of this tarball and,
 * with `--tree-head FILE`, that the log extends the head saved there by an
 * earlier run (then saves the new one). With `--upstream-log-key FILE`, a
 * mirrored version's evidence from its source registry's log is checked too,
 * offline, against that log key (packs/tlog/upstream.ts).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { registryFrom, type RegistryFlags } from '../../cli/output.js';
import { RegistryClient } from '../client/registry.js';
import { parseJson } from '../documents.js';
import { checkInclusion } from '../tlog/check.js';
import type { SignedTreeHead } from '../tlog/tree-head.js';
import { publishExpected, verifyHeldUpstream } from '../tlog/upstream.js';
import { readOrFail } from './files.js';

export interface LogFlags extends RegistryFlags {
  treeHead?: string;
  logKey?: string;
  upstreamLogKey?: string;
}

export interface LogCheck {
  index: number;
  tree_size: number;
  root_hash: string;
  /** The source log's entry of a mirrored version, checked against its key. */
  upstream?: { origin: string; index: number; tree_size: number; root_hash: string };
}

export async function verifyInLog(sha256: string, flags: LogFlags): Promise<LogCheck> {
  const client = new RegistryClient(registryFrom(flags));
  const previous = flags.treeHead && existsSync(flags.treeHead)
    ? (parseJson(readOrFail(flags.treeHead, 'tree head').toString('utf8'), flags.treeHead) as
      SignedTreeHead)
    : undefined;
  const logKeyPem = flags.logKey ? readOrFail(flags.logKey, 'log key').toString('utf8') : undefined;
  const result = await checkInclusion(client, {
    sha256,
    ...(logKeyPem ? { logKeyPem } : {}),
    ...(previous ? { previous } : {}),
  });
  if (flags.treeHead) writeFileSync(flags.treeHead, `${JSON.stringify(result.head, null, 2)}\n`);
  const check: LogCheck = { index: result.index, tree_size: result.head.tree_size,
    root_hash: result.head.root_hash };
  if (!flags.upstreamLogKey) return check;

  const pem = readOrFail(flags.upstreamLogKey, 'upstream log key').toString('utf8');
  const [id, version] = [String(result.entry.pack_id), String(result.entry.version)];
  const { upstream } = await client.upstreamLog(id, version);
  const e = verifyHeldUpstream(upstream, publishExpected({ id, version, sha256,
    keyId: String(result.entry.key_id) }), pem);
  return { ...check, upstream: { origin: e.tree_head.origin, index: e.entry.index,
    tree_size: e.tree_head.tree_size, root_hash: e.tree_head.root_hash } };
}

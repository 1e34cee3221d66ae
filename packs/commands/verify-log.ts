/**
 * The transparency-log part of `cordum pack verify --registry URL`: checks
 * that the registry's signed log includes the publish of this tarball and,
 * with `--tree-head FILE`, that the log extends the head saved there by an
 * earlier run (then saves the new one).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { registryFrom, type RegistryFlags } from '../../cli/output.js';
import { RegistryClient } from '../client/registry.js';
import { parseJson } from '../documents.js';
import { checkInclusion } from '../tlog/check.js';
import type { SignedTreeHead } from '../tlog/tree-head.js';
import { readOrFail } from './files.js';

export interface LogFlags extends RegistryFlags {
  treeHead?: string;
  logKey?: string;
}

export interface LogCheck {
  index: number;
  tree_size: number;
  root_hash: string;
}

export async function verifyInLog(sha256: string, flags: LogFlags): Promise<LogCheck> {
  const client = new RegistryClient(registryFrom(flags));
  const previous = flags.treeHead && existsSync(flags.treeHead)
    ? (parseJson(readFileSync(flags.treeHead, 'utf8'), flags.treeHead) as SignedTreeHead)
    : undefined;
  const logKeyPem = flags.logKey ? readOrFail(flags.logKey, 'log key').toString('utf8') : undefined;
  const result = await checkInclusion(client, {
    sha256,
    ...(logKeyPem ? { logKeyPem } : {}),
    ...(previous ? { previous } : {}),
  });
  if (flags.treeHead) writeFileSync(flags.treeHead, `${JSON.stringify(result.head, null, 2)}\n`);
  return { index: result.index, tree_size: result.head.tree_size,
    root_hash: result.head.root_hash };
}

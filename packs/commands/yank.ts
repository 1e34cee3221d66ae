/**
 * `cordum pack yank ID@VERSION`: mark one published version yanked (or, with
 * `--undo`, restore it). A yanked version stays downloadable, so a
 * cordum.lock that pins it still installs; ranges, `latest` and new installs
 * no longer resolve to it. The registry logs each change in its
 * transparency log.
 */
import type { Command } from 'commander';
import { valid as validSemver } from 'semver';
import { registryFrom, runCommand, type RegistryFlags } from '../../cli/output.js';
import type { YankStatus } from '../client/registry.js';
import { PackError } from '../errors.js';
import { isPackId, PACK_ID_RULE } from '../pack_id.js';

interface YankFlags extends RegistryFlags {
  reason?: string;
  undo?: boolean;
  json?: boolean;
}

/** `id@1.2.3`: one exact version, as a yank is of one version, never of a range. */
export function exactSpec(spec: string): { id: string; version: string } {
  const at = spec.indexOf('@', 1);
  const id = at < 0 ? spec : spec.slice(0, at);
  const version = at < 0 ? '' : spec.slice(at + 1);
  if (!isPackId(id)) {
    throw new PackError('usage', `"${spec}": expected ID@VERSION, with an id ${PACK_ID_RULE}`);
  }
  if (validSemver(version) !== version) {
    // `pack yank weather` said `not ""`: name what is missing instead.
    const given = version === '' ? 'but no version was given' : `not "${version}"`;
    throw new PackError('usage', `"${spec}": expected ID@VERSION with one exact version ` +
      `(such as ${id}@1.2.0), ${given}`);
  }
  return { id, version };
}

async function yank(spec: string, flags: YankFlags): Promise<YankStatus> {
  const { id, version } = exactSpec(spec);
  if (flags.undo && flags.reason !== undefined) {
    throw new PackError('usage', '--reason says why a version is yanked; --undo restores it: ' +
      'drop one of the two');
  }
  if (flags.reason !== undefined && flags.reason.trim() === '') {
    throw new PackError('usage', '--reason is empty: say why, or leave the flag out');
  }
  const connection = registryFrom(flags);
  const { RegistryClient } = await import('../client/registry.js');
  return new RegistryClient(connection).setYanked(id, version, !flags.undo, flags.reason);
}

export function registerYankCommand(pack: Command): void {
  pack
    .command('yank <spec>')
    .description('Yank one published version (ID@VERSION): ranges, latest and new installs ' +
      'skip it, a cordum.lock that pins it still installs it; --undo restores it')
    .option('--reason <text>', 'why (shown with the version, and kept in the log)')
    .option('--undo', 'restore a yanked version')
    .option('--registry <url>', 'registry URL (env CORDUM_REGISTRY)')
    .option('--token <token>', 'a token with the publish scope of the pack (env CORDUM_TOKEN)')
    .option('--json', 'print the result as JSON')
    .action((spec: string, opts: YankFlags) =>
      runCommand(opts, () => yank(spec, opts), (r) =>
        r.yanked
          ? `yanked ${r.id}@${r.version}${r.reason ? ` (${r.reason})` : ''}`
          : `restored ${r.id}@${r.version}: it is no longer yanked`),
    );
}

/** `cordum pack install [ID@RANGE...]`: pinned, verified installs with a lock. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { onInterrupt } from '../../cli/interrupt.js';
import { registryFrom, runCommand } from '../../cli/output.js';
import { PackError } from '../errors.js';
import { layout } from '../lock.js';
import type { FromFlags } from '../npm/from.js';

/**
 * A Cordum registry install trusts the registry's registered keys and its own
 * token: `--key` and `--from-token` would be ignored there, so they are refused.
 */
function refuseFromOnlyFlags(opts: FromFlags): void {
  const given = opts.key !== undefined ? '--key' : opts.fromToken !== undefined ? '--from-token'
    : undefined;
  if (given === undefined) return;
  throw new PackError('usage', `${given} is used only with --from npm:URL (an install from ` +
    `--registry checks signatures against its registered keys): drop ${given}, or add --from`);
}

export function registerInstallCommand(pack: Command): void {
  pack
    .command('install [specs...]')
    .description('Install packs from a registry and pin them in cordum.lock; with no argument, ' +
      'install exactly what cordum.lock says')
    .option('--registry <url>', 'registry URL (env CORDUM_REGISTRY)')
    .option('--token <token>', 'registry token (env CORDUM_TOKEN)')
    .option('--project <dir>', 'project folder holding cordum.lock', '.')
    .option('--from <source>', 'install from an npm registry instead: npm:URL')
    .option('--from-token <token>', 'token for the --from registry (env CORDUM_NPM_TOKEN)')
    .option('--key <pub>', 'a public key to trust for --from, repeatable (default: the ' +
      '--registry keys)', (v: string, all: string[] = []) => [...all, v])
    .option('--json', 'print the result as JSON')
    .action((specs: string[], opts: FromFlags & { project: string; json?: boolean;
      from?: string }) =>
      runCommand(opts, async (reporter) => {
        if (opts.from === undefined) refuseFromOnlyFlags(opts);
        const { RegistryClient } = await import('../client/registry.js');
        const { installPacks } = await import('../install.js');
        const { removeStaging } = await import('../bundle/extract.js');
        const registry = opts.from === undefined ? new RegistryClient(registryFrom(opts))
          : (await import('../npm/from.js')).npmSourceFrom(opts.from, opts);
        const project = resolve(opts.project);
        // Ctrl-C waits for the (synchronous) unpack; a staging folder left goes with it.
        const interrupt = onInterrupt(() => removeStaging(layout.packsDir(project), true));
        try {
          return await installPacks({ registry, project, specs,
            progress: (l) => reporter.progress(l) });
        } finally {
          interrupt.release();
        }
      }, (r) => [
        ...r.installed.map((p) => `installed ${p.id}@${p.version} sha256 ${p.sha256.slice(0, 12)}` +
          `… signed by ${p.key_id.slice(0, 12)}…`),
        `wrote ${r.lockfile}`,
      ]),
    );
}

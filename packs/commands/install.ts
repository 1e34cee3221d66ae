/** `cordum pack install [ID@RANGE...]`: pinned, verified installs with a lock. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { registryFrom, runCommand, type RegistryFlags } from '../../cli/output.js';

export function registerInstallCommand(pack: Command): void {
  pack
    .command('install [specs...]')
    .description('Install packs from a registry and pin them in cordum.lock; with no argument, ' +
      'install exactly what cordum.lock says')
    .option('--registry <url>', 'registry URL (env CORDUM_REGISTRY)')
    .option('--token <token>', 'registry token (env CORDUM_TOKEN)')
    .option('--project <dir>', 'project folder holding cordum.lock', '.')
    .option('--json', 'print the result as JSON')
    .action((specs: string[], opts: RegistryFlags & { project: string; json?: boolean }) =>
      runCommand(opts, async (reporter) => {
        const { RegistryClient } = await import('../client/registry.js');
        const { installPacks } = await import('../install.js');
        const registry = new RegistryClient(registryFrom(opts));
        return installPacks({ registry, project: resolve(opts.project), specs,
          progress: (l) => reporter.progress(l) });
      }, (r) => [
        ...r.installed.map((p) => `installed ${p.id}@${p.version} sha256 ${p.sha256.slice(0, 12)}` +
          `… signed by ${p.key_id.slice(0, 12)}…`),
        `wrote ${r.lockfile}`,
      ]),
    );
}

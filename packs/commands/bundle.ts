/**
 * `cordum bundle create ID@RANGE... --out FILE` and `cordum bundle install
 * FILE`: offline bundles, one file carrying packs, their signatures and the
 * keys that signed them across an air gap.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { registryFrom, runCommand, type RegistryFlags }
  from '../../cli/output.js';
import { assertNotFolder } from '../../cli/out_file.js';

const collect = (v: string, all: string[] = []) => [...all, v];

function registerCreate(bundle: Command): void {
  bundle
    .command('create <specs...>')
    .description('Resolve packs in a registry, verify them, and write them with their ' +
      'signatures and keys to one file')
    .requiredOption('--out <file>', 'the offline bundle to write (JSON)')
    .option('--registry <url>', 'registry URL (env CORDUM_REGISTRY)')
    .option('--token <token>', 'registry token (env CORDUM_TOKEN)')
    .option('--json', 'print the result as JSON')
    .action((specs: string[], opts: RegistryFlags & { out: string; json?: boolean }) =>
      runCommand(opts, async (reporter) => {
        assertNotFolder('--out', opts.out, 'bundle.json');
        const { RegistryClient } = await import('../client/registry.js');
        const { writeOfflineBundle } = await import('../offline/write.js');
        const registry = new RegistryClient(registryFrom(opts));
        return writeOfflineBundle({ registry, specs, out: resolve(opts.out),
          progress: (l) => reporter.progress(l) });
      }, (r) => [
        ...r.packs.map((p) => `added ${p.id}@${p.version} sha256 ${p.sha256.slice(0, 12)}…`),
        `wrote ${r.file} (${r.packs.length} packs, ${r.keys} keys) sha256 ${r.file_sha256}`,
      ]),
    );
}

function registerInstall(bundle: Command): void {
  bundle
    .command('install <file> [specs...]')
    .description('Verify and install packs from an offline bundle, with no network, and pin ' +
      'them in cordum.lock (default: every pack in the file)')
    .option('--project <dir>', 'project folder holding cordum.lock', '.')
    .option('--key <pub>', 'trust only this public key, repeatable (default: the keys in ' +
      'the bundle)', collect)
    .option('--json', 'print the result as JSON')
    .action((file: string, specs: string[], opts: { project: string; key?: string[];
      json?: boolean }) =>
      runCommand(opts, async (reporter) => {
        const { installOffline } = await import('../offline/install.js');
        return installOffline({ file: resolve(file), project: resolve(opts.project), specs,
          keys: opts.key ?? [], progress: (l) => reporter.progress(l) });
      }, (r) => [
        `${r.file} sha256 ${r.file_sha256}; trusting ${r.trust}`,
        ...r.installed.map((p) => `installed ${p.id}@${p.version} sha256 ${
          p.sha256.slice(0, 12)}… signed by ${p.key_id.slice(0, 12)}…`),
        `wrote ${r.lockfile}`,
      ]),
    );
}

export function registerBundleCommands(program: Command): void {
  const bundle = program.command('bundle')
    .description('Offline bundles: packs, signatures and keys in one file for air gaps');
  registerCreate(bundle);
  registerInstall(bundle);
}

/** `cordum pack publish TGZ`: upload a signed tarball to a registry. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { registryFrom, runCommand, shellWord, type RegistryFlags } from '../../cli/output.js';
import { parseJson } from '../documents.js';
import { PackError } from '../errors.js';
import { readOrFail } from './files.js';
import { assertSignedTarball } from './signed_digest.js';

interface PublishFlags extends RegistryFlags {
  bundle?: string;
  publisher?: string;
  json?: boolean;
  to?: string;
  key?: string;
}

/**
 * An npm publish (`--to`) names its registry there and claims no publisher: `--registry`
 * and `--publisher` would be ignored, so they are refused, as `--key` is without `--to`.
 */
function refuseCordumOnlyFlags(flags: PublishFlags): void {
  const given = flags.registry !== undefined ? '--registry'
    : flags.publisher !== undefined ? '--publisher' : undefined;
  if (given === undefined) return;
  throw new PackError('usage', `${given} is used only with a Cordum registry, not with --to ` +
    `npm:URL (the npm registry is the one --to names): drop ${given}, or drop --to`);
}

async function publish(tgz: string, flags: PublishFlags, progress: (line: string) => void) {
  if (flags.to !== undefined) {
    refuseCordumOnlyFlags(flags);
    return (await import('../npm/to.js')).publishTo(tgz, flags, progress);
  }
  // A Cordum registry checks the signature against its own keys; a --key here would be ignored.
  if (flags.key !== undefined) {
    throw new PackError('usage', '--key is used only with --to npm:URL (a Cordum registry ' +
      'checks signatures against its registered keys): drop --key, or add --to');
  }
  const connection = registryFrom(flags);
  const tarball = readOrFail(tgz, 'tarball');
  const bundlePath = flags.bundle ?? `${tgz}.sigstore.json`;
  if (flags.bundle === undefined && !existsSync(bundlePath)) {
    throw new PackError('signature_missing', `signature bundle ${bundlePath}: not found; sign ` +
      `the tarball first: cordum pack sign ${shellWord(tgz)} --key <private key>`);
  }
  const bundle = readOrFail(bundlePath, 'signature bundle');
  // Read here, where the file's name is known: the registry sees only its form part
  // (`bundle`), and would name that in its refusal, after the whole upload.
  assertSignedTarball(tgz, tarball, bundlePath,
    parseJson(bundle.toString('utf8'), bundlePath), true);

  // The client (and fetch) load only when a command talks to a registry.
  const { RegistryClient } = await import('../client/registry.js');
  progress(`publishing ${tgz} (${tarball.length} bytes) to ${connection.url}`);
  const options = flags.publisher === undefined ? {} : { publisher: flags.publisher };
  return new RegistryClient(connection).publish(tarball, bundle, options);
}

export function registerPublishCommand(pack: Command): void {
  pack
    .command('publish <tgz>')
    .description('Publish a signed tarball (TGZ and TGZ.sigstore.json) to a registry')
    .option('--bundle <file>', 'signature bundle (default: TGZ.sigstore.json)')
    .option('--publisher <p>', 'publisher to claim a new pack id for (admin tokens only)')
    .option('--registry <url>', 'registry URL (env CORDUM_REGISTRY)')
    .option('--token <token>', 'registry token (env CORDUM_TOKEN; CORDUM_NPM_TOKEN with --to)')
    .option('--to <target>', 'publish to an npm registry instead: npm:URL')
    .option('--key <pub>', 'with --to: verify the signature with this public key first')
    .option('--json', 'print the result as JSON')
    .action((tgz: string, opts: PublishFlags) =>
      runCommand(
        opts,
        (reporter) => publish(tgz, opts, (line) => reporter.progress(line)),
        (r) => [
          `published ${r.id}@${r.version} sha256 ${r.sha256} signed by key ${r.key_id}`,
          `  ${r.tarball_url}`,
        ],
      ),
    );
}

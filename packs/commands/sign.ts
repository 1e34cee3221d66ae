/** `cordum pack sign` and `cordum pack verify`: sigstore bundles over a tarball. */
import type { Command } from 'commander';
import { readOrFail, refuseOverwrite } from './files.js';
import { assertSignedTarball } from './signed_digest.js';
import { runCommand } from '../../cli/output.js';
import { readBundle } from '../bundle/read.js';
import { parseJson } from '../documents.js';
import { isPackError, PackError } from '../errors.js';
import { keyIdOf } from '../signing/keys.js';
import { signTarball } from '../signing/sign.js';
import { verifyTarball } from '../signing/verify.js';
import type { LogFlags } from './verify-log.js';
import { outFileOrInto } from '../../cli/out_file.js';
import { writeWhole } from '../write_whole.js';

/**
 * Reads the tarball with the reader install and publish use (packs/bundle/read.ts);
 * a refusal keeps its code and names the file, with `hint` after the reader's message.
 */
async function readTarball(path: string, bytes: Buffer, hint = ''): Promise<void> {
  await readBundle(bytes).catch((err: unknown) => {
    if (!isPackError(err)) throw err;
    throw new PackError(err.code, `${path}: ${err.message}${hint}`,
      { details: err.details, cause: err });
  });
}

/**
 * The log check's flags configure `--registry`; alone they would be ignored and the
 * tarball reported verified with no log check: refused, as `pack install --key` is.
 */
function refuseLogOnlyFlags(opts: LogFlags): void {
  if (opts.registry !== undefined) return;
  const flags: [keyof LogFlags, string][] = [['treeHead', '--tree-head'], ['logKey', '--log-key'],
    ['upstreamLogKey', '--upstream-log-key'], ['token', '--token']];
  const given = flags.find(([key]) => opts[key] !== undefined)?.[1];
  if (given === undefined) return;
  throw new PackError('usage', `${given} is used only with --registry URL (the check of the ` +
    `registry's transparency log): add --registry, or drop ${given}`);
}

/**
 * Verifies against the one key given; a tarball signed by another says which key signed
 * it and which the --key file is, where "signed by key X, which is not trusted" named
 * neither the file given nor its key.
 */
function verifyBy(tgz: string, bytes: Buffer, bundle: unknown,
  key: { file: string; pem: string; keyId: string }) {
  try {
    return verifyTarball(bytes, bundle, (id) => (id === key.keyId ? key.pem : undefined));
  } catch (err) {
    if (!isPackError(err) || err.code !== 'signature_unknown_key') throw err;
    throw new PackError('signature_unknown_key', `${tgz} is signed by key ${String(
      err.details.keyId)}, but --key ${key.file} is key ${key.keyId}: give the signer's ` +
      'public key', { details: err.details, cause: err });
  }
}

export function registerSignCommands(pack: Command): void {
  pack
    .command('sign <tgz>')
    .description('Sign a tarball: writes TGZ.sigstore.json over its SHA-256')
    .requiredOption('--key <file>', 'private key (PEM), e.g. from cordum keygen')
    .option('--out <file>', 'where to write the bundle, or a folder to write it into ' +
      '(default: TGZ.sigstore.json)')
    .option('--json', 'print the result as JSON')
    .action((tgz: string, opts: { key: string; out?: string; json?: boolean }) =>
      runCommand(opts, async () => {
        const out = outFileOrInto(opts.out, `${tgz}.sigstore.json`);
        refuseOverwrite(out, '--out', [{ path: tgz, what: 'the tarball' },
          { path: opts.key, what: 'the private key given as --key' }]);
        const bytes = readOrFail(tgz, 'tarball');
        // Only a pack tarball is worth a signature: anything else is named and refused.
        await readTarball(tgz, bytes, '; sign the tarball `cordum pack build` made');
        const bundle = signTarball(bytes, readOrFail(opts.key, 'key').toString('utf8'), opts.key);
        // The output's folder is made, as `pack build --out` makes its own.
        writeWhole(out, `${JSON.stringify(bundle, null, 2)}\n`);
        const keyId = bundle.verificationMaterial.publicKey?.hint ?? '';
        return { bundle: out, key_id: keyId };
      }, (r) => `signed: wrote ${r.bundle} (key ${r.key_id})`),
    );

  pack
    .command('verify <tgz>')
    .description('Check a tarball against its sigstore bundle and a public key')
    .requiredOption('--key <file>', 'public key (PEM) to trust')
    .option('--bundle <file>', 'signature bundle (default: TGZ.sigstore.json)')
    .option('--registry <url>', 'also check the publish is in this registry\'s transparency log')
    .option('--token <token>', 'registry token (env CORDUM_TOKEN)')
    .option('--tree-head <file>', 'tree head seen before: the log must extend it (then saved)')
    .option('--log-key <file>', 'the log\'s public key to trust (default: the one it names)')
    .option('--upstream-log-key <file>', 'a mirrored version: also check the source ' +
      'registry\'s log entry the registry holds for it, against this source log key')
    .option('--json', 'print the result as JSON')
    .action((tgz: string, opts: { key: string; bundle?: string; json?: boolean } & LogFlags) =>
      runCommand(opts, async () => {
        refuseLogOnlyFlags(opts);
        const bundlePath = opts.bundle ?? `${tgz}.sigstore.json`;
        const pem = readOrFail(opts.key, 'key').toString('utf8');
        const trusted = keyIdOf(pem, `public key ${opts.key}`);
        const bundle = parseJson(readOrFail(bundlePath, 'bundle').toString('utf8'), bundlePath);
        const bytes = readOrFail(tgz, 'tarball');
        assertSignedTarball(tgz, bytes, bundlePath, bundle, false);
        const v = verifyBy(tgz, bytes, bundle, { file: opts.key, pem, keyId: trusted });
        // A good signature over a hostile tarball (a `../` path, a link, a bomb) is no
        // pack: read it as install does, after the signature as install does, so verify
        // says "verified" only for what install would take, and refuses with its code.
        await readTarball(tgz, bytes);
        if (!opts.registry) return { verified: true, key_id: v.keyId, sha256: v.sha256 };
        const { verifyInLog } = await import('./verify-log.js');
        const log = await verifyInLog(v.sha256, opts);
        return { verified: true, key_id: v.keyId, sha256: v.sha256, log };
      }, (r) => [`verified: sha256 ${r.sha256} signed by key ${r.key_id}`,
        ...('log' in r && r.log ? [`in the registry's log: entry ${r.log.index} of ` +
          `${r.log.tree_size}, root ${r.log.root_hash}`] : []),
        ...('log' in r && r.log?.upstream ? [`in the source log ${r.log.upstream.origin}: ` +
          `entry ${r.log.upstream.index} of ${r.log.upstream.tree_size}`] : [])]),
    );
}

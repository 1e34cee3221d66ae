/**
 * Reads a built, signed pack from disk at plan time: the tarball's digest,
 * its manifest's id and version (after every safety and format check), and
 * the key id its signature bundle names. Loaded lazily by the resources
 * that need it, so provider start-up does not pay for the pack toolkit.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sha256Hex } from '../../packs/digest.js';
import { readBundle } from '../../packs/bundle/read.js';
import { validatePack } from '../../packs/load.js';
import { bundleKeyId, signedDigest } from '../../packs/signing/verify.js';
import { isPackError } from '../../packs/errors.js';
import { ProviderError } from '../errors.js';
import type { Path } from '../framework/diagnostics.js';

export interface PackFile {
  tarball: Buffer;
  bundle: Buffer;
  sha256: string;
  packId: string;
  version: string;
  keyId: string;
}

function read(path: string, cwd: string, what: string, at: Path): Buffer {
  try {
    return readFileSync(resolve(cwd, path));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ProviderError('file_unreadable', `Cannot read the ${what} "${path}": ${why}.`, {
      hint: 'Build and sign the pack first (`cordum pack build`, then `cordum pack sign`), ' +
        'or fix the path.',
      path: at,
      cause: err,
    });
  }
}

function invalid(message: string, at: Path, cause?: unknown): ProviderError {
  return new ProviderError('pack_invalid', message, {
    hint: 'Run `cordum pack validate` on the pack folder for every issue.',
    path: at,
    cause,
  });
}

/** Paths resolve against `cwd` (Terraform's folder); messages name them as written. */
export async function readPackFile(
  tarballPath: string,
  bundlePath: string,
  cwd: string = process.cwd(),
): Promise<PackFile> {
  const tarball = read(tarballPath, cwd, 'pack tarball', ['tarball']);
  const bundle = read(bundlePath, cwd, 'signature bundle', ['bundle']);

  let files;
  try {
    files = await readBundle(tarball);
  } catch (err) {
    const why = isPackError(err) ? `${err.message} [${err.code}]` : String(err);
    throw invalid(`"${tarballPath}" is not a safe pack tarball: ${why}.`, ['tarball'], err);
  }
  const result = validatePack(files);
  if (!result.pack) {
    const issues = result.issues.map((i) => `${i.file}: ${i.path || '/'}: ${i.message}`);
    throw invalid(`"${tarballPath}" holds an invalid pack: ${issues.join('; ')}.`, ['tarball']);
  }

  let keyId: string;
  let signed: string;
  try {
    const json: unknown = JSON.parse(bundle.toString('utf8'));
    keyId = bundleKeyId(json);
    signed = signedDigest(json).toString('hex');
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw invalid(`"${bundlePath}" is not a signature bundle: ${why}.`, ['bundle'], err);
  }
  const sha256 = sha256Hex(tarball);
  // A bundle of other bytes (another pack's, an older build's) is refused at plan, not at apply.
  if (signed !== sha256) {
    throw new ProviderError('pack_invalid', `"${bundlePath}" signs other bytes (sha256 ${
      signed}) than "${tarballPath}" (sha256 ${sha256}).`, {
      hint: `Sign this tarball: cordum pack sign ${tarballPath} --key <private key>.`,
      path: ['bundle'],
    });
  }
  const { id, version } = result.pack.manifest.metadata;
  return { tarball, bundle, sha256, packId: id, version, keyId };
}

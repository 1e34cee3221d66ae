/** The digest a signature bundle signs, compared with its tarball where both files are known. */
import { shellWord } from '../../cli/output.js';
import { sha256Hex } from '../digest.js';
import { isPackError, PackError } from '../errors.js';
import { signedDigest } from '../signing/verify.js';

/**
 * Refuses a tarball that is not the one its bundle signs, naming both files: a pack built
 * again after signing kept the old `.sigstore.json`, and the registry's or the verifier's
 * "tarball sha256 ... differs" named neither file nor the step to take again. `pack
 * publish` checks it before the upload; `mine` (a publish) says how to sign it again.
 */
export function assertSignedTarball(tgzPath: string, tgz: Buffer, bundlePath: string,
  bundle: unknown, mine: boolean): void {
  let signed: string;
  try {
    signed = signedDigest(bundle).toString('hex');
  } catch (err) {
    if (!isPackError(err)) throw err;
    throw new PackError(err.code, `${bundlePath}: ${err.message}`, { cause: err });
  }
  const actual = sha256Hex(tgz);
  if (signed === actual) return;
  // A publisher's own tarball was most likely built again; one being verified may be forged.
  const why = mine ? `(built again since?); if it is yours, sign it again: cordum pack sign ${
    shellWord(tgzPath)} --key <private key>` : '(changed or tampered with since it was signed)';
  throw new PackError('digest_mismatch', `${tgzPath} has sha256 ${actual}, but ${bundlePath} ` +
    `signs sha256 ${signed}: the tarball is not the one signed ${why}`,
  { details: { expected: signed, actual } });
}

/**
 * The reader half of `registry fsck`: every stored version's tarball read and
 * loaded again with the checks a publish applies now (`readPackTarball`).
 * Those checks got stricter over time, so a version published before may
 * fail them; its own pages then answer 422 and installs of it fail. A version
 * is never deleted: yanking it is what an operator can do, so a yanked one
 * stays listed, as a warning.
 */
import { isPackError } from '../../packs/errors.js';
import type { RegistryDeps } from '../deps.js';
import { readPackTarball } from '../publish/checks.js';
import type { FsckFinding, FsckReport } from './fsck.js';

/** A stored version the current reader or loader refuses. */
export interface RefusedVersion extends FsckFinding {
  code: 'version_refused';
  pack_id: string;
  version: string;
  /** The refusal's own code: a PackError code, or `tarball_mismatch`. */
  error_code: string;
  error_message: string;
  /** What to do about it; absent once the version is yanked. */
  hint?: string;
}

/** How an operator yanks it: the command, with a token of the pack's publisher. */
export function yankHint(packId: string, version: string): string {
  return `yank it: cordum pack yank ${packId}@${version} --reason "..." (a token with the ` +
    'publish scope of its publisher)';
}

/** Why a publish of `tarball` as `packId@version` would be refused now; undefined if not. */
async function refusalOf(deps: Pick<RegistryDeps, 'bundleLimits'>, packId: string,
  version: string, tarball: Buffer): Promise<{ code: string; message: string } | undefined> {
  try {
    const { manifest } = await readPackTarball(deps, tarball);
    const read = `${manifest.metadata.id}@${manifest.metadata.version}`;
    // A reader that picks another pack.yaml than the old one did reads another pack.
    if (read !== `${packId}@${version}`) {
      return { code: 'tarball_mismatch', message: `its pack.yaml now reads as ${read}` };
    }
    return undefined;
  } catch (err) {
    if (!isPackError(err)) throw err;
    return { code: err.code, message: err.message };
  }
}

/** Reads one stored version again; a refusal is a problem, or a warning once yanked. */
export async function checkReadable(deps: Pick<RegistryDeps, 'bundleLimits'>,
  report: FsckReport, row: { pack_id: string; version: string; yanked: boolean },
  tarball: Buffer): Promise<void> {
  const refusal = await refusalOf(deps, row.pack_id, row.version, tarball);
  if (!refusal) return;

  const said = `this registry's reader refuses it [${refusal.code}]: ${refusal.message}`;
  const refused = { code: 'version_refused' as const, target: `${row.pack_id}@${row.version}`,
    pack_id: row.pack_id, version: row.version, error_code: refusal.code,
    error_message: refusal.message };
  if (row.yanked) {
    const warning: RefusedVersion = { ...refused, message: `${said}; it is yanked` };
    report.warnings.push(warning);
    return;
  }
  const hint = yankHint(row.pack_id, row.version);
  const problem: RefusedVersion = { ...refused, message: `${said}; ${hint}`, hint };
  report.problems.push(problem);
}

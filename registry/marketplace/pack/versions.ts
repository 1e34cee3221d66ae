/** A pack's versions for the pages: newest first, and the one a URL asks for. */
import type { Queryable } from '../../../storage/database.js';
import { RegistryError } from '../../errors.js';
import { newestFirst } from '../../latest.js';
import { versionsOf } from '../../routes/params.js';
import type { VersionRecord } from '../../store/packs.js';
import { yankedVersions } from '../../store/yanks.js';
import { distTags } from '../../tenancy/tags.js';
import { latestRecord } from '../../views.js';

export interface PackVersions {
  /** Newest first by semver. */
  records: VersionRecord[];
  latest: VersionRecord;
}

export async function packVersions(db: Queryable, id: string): Promise<PackVersions> {
  const stored = await versionsOf(db, id);
  const order = newestFirst(stored.map((r) => r.version));
  const records = order.map((v) => stored.find((r) => r.version === v)!);
  // The page opens on the latest version as the API's pack view picks it: the `latest`
  // dist-tag when it names a live version, else the highest not yanked.
  const latestTag = (await distTags(db, id)).latest;
  return { records, latest: latestRecord(records, await yankedVersions(db, id), latestTag) };
}

/** The record of `version`, or the latest when none is asked for. */
export function chooseVersion(versions: PackVersions, version: string | undefined):
  VersionRecord {
  if (version === undefined) return versions.latest;
  const found = versions.records.find((r) => r.version === version);
  if (!found) {
    const id = versions.latest.packId;
    throw new RegistryError('version_not_found', `${id}@${version} is not published here`);
  }
  return found;
}

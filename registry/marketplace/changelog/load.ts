/**
 * Changelogs read from stored versions: one comparison the reader chose, or
 * each version against the one before it (the newest `MAX_STEPS`).
 */
import type { Site } from '../site.js';
import { detailsOf } from '../site.js';
import { chooseVersion, type PackVersions } from '../pack/versions.js';
import { diffPacks, type PackChangelog } from './diff.js';

export const MAX_STEPS = 10;

export async function compareVersions(site: Site, versions: PackVersions, from: string,
  to: string): Promise<PackChangelog> {
  const before = await detailsOf(site, chooseVersion(versions, from));
  const after = await detailsOf(site, chooseVersion(versions, to));
  return diffPacks(before.pack, after.pack);
}

/** Newest change first. */
export async function versionSteps(site: Site, versions: PackVersions):
  Promise<PackChangelog[]> {
  const { records } = versions;
  const out: PackChangelog[] = [];
  for (let i = 0; i < Math.min(MAX_STEPS, records.length - 1); i++) {
    out.push(await compareVersions(site, versions, records[i + 1]!.version, records[i]!.version));
  }
  return out;
}

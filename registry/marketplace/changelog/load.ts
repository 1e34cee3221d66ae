/**
 * Changelogs read from stored versions: one comparison the reader chose, or
 * each version against the one before it (the newest `MAX_STEPS`). In the
 * latter a version this registry can no longer read makes its steps say so,
 * not the whole changelog fail.
 */
import type { Site } from '../site.js';
import { detailsOf } from '../site.js';
import { chooseVersion, type PackVersions } from '../pack/versions.js';
import { readingOf } from '../pack/unreadable.js';
import { diffPacks, type PackChangelog } from './diff.js';
import { changeStep, type ChangelogStep } from './step.js';

export const MAX_STEPS = 10;

/** An explicit comparison: a side that cannot be read fails it with that side's error. */
export async function compareVersions(site: Site, versions: PackVersions, from: string,
  to: string): Promise<PackChangelog> {
  const before = await detailsOf(site, chooseVersion(versions, from));
  const after = await detailsOf(site, chooseVersion(versions, to));
  return diffPacks(before.pack, after.pack);
}

/** Newest change first. */
export async function versionSteps(site: Site, versions: PackVersions):
  Promise<ChangelogStep[]> {
  const records = versions.records.slice(0, MAX_STEPS + 1);
  const out: ChangelogStep[] = [];
  if (records.length < 2) return out;
  // One after another, holding two versions at a time: each holds a whole tarball.
  let after = await readingOf(site, records[0]!);
  for (const record of records.slice(1)) {
    const before = await readingOf(site, record);
    out.push(changeStep(before, after));
    after = before;
  }
  return out;
}

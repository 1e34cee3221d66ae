/**
 * One step of a changelog: what a version changes against the one before
 * it, or, when this registry can no longer read one of the two, which one.
 * Pure: two readings in, a step out.
 */
import type { UnreadableVersion, VersionReading } from '../pack/unreadable.js';
import { diffPacks, type PackChangelog } from './diff.js';

/** A step between two versions where one or both cannot be read: no change to show. */
export interface UnreadableStep {
  from: string;
  to: string;
  /** The side or sides the reader refuses, `from` first. */
  unreadable: UnreadableVersion[];
}

export type ChangelogStep = PackChangelog | UnreadableStep;

export function isUnreadableStep(step: ChangelogStep): step is UnreadableStep {
  return 'unreadable' in step;
}

/** What `after` changes against `before`, or which of them cannot be read. */
export function changeStep(before: VersionReading, after: VersionReading): ChangelogStep {
  if ('details' in before && 'details' in after) {
    return diffPacks(before.details.pack, after.details.pack);
  }
  const unreadable = [before, after].flatMap((r) => ('unreadable' in r ? [r.unreadable] : []));
  return { from: before.version, to: after.version, unreadable };
}

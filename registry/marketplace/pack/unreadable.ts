/**
 * Stored versions this registry can no longer read. The tarball reader and
 * the pack loader got stricter over time (packs/bundle/read.ts,
 * packs/load.ts), so a version published before may now fail them. Pages
 * about another version name such a version instead of failing with it;
 * `cordum registry fsck` lists them for the operator.
 */
import { isPackError, type PackErrorCode } from '../../../packs/errors.js';
import type { VersionRecord } from '../../store/packs.js';
import { detailsOf, type Site } from '../site.js';
import type { PackDetails } from './details.js';

export interface UnreadableVersion {
  version: string;
  /** The PackError's code: why the reader or loader refuses it (its page has the message). */
  code: PackErrorCode;
}

/** A stored version as a page about another one sees it: loaded, or said unreadable. */
export type VersionReading =
  | { version: string; details: PackDetails }
  | { version: string; unreadable: UnreadableVersion };

/**
 * The details of `record` (through the site's cache), or why it cannot be
 * read. Only a PackError (the reader or loader refusing the tarball) makes it
 * unreadable: a blob missing or changed on disk, or a database failure, is
 * still thrown, as on the version's own page. The cache keeps no failure, so
 * each page next to such a version reads its tarball again (docs/limitations.md).
 */
export async function readingOf(site: Site, record: VersionRecord): Promise<VersionReading> {
  try {
    return { version: record.version, details: await detailsOf(site, record) };
  } catch (err) {
    if (!isPackError(err)) throw err;
    return { version: record.version,
      unreadable: { version: record.version, code: err.code } };
  }
}

/**
 * Stores a checked publish: the tarball blob, then the pack claim and the
 * version row in one transaction. When the row cannot be written (another
 * publish of the same id@version won the race) the blob written here is
 * removed unless a row now references it, so the winner keeps its bytes.
 */
import type { RegistryDeps } from '../deps.js';
import { RegistryError } from '../errors.js';
import { blobReferences, claimPack, insertVersion } from '../store/packs.js';
import { ensurePublisher } from '../store/publishers.js';
import { isUniqueViolation } from '../store/rows.js';
import type { CheckedPublish } from './checks.js';
import { publishEntry } from '../tlog/entries.js';
import { appendLogEntry } from '../tlog/store.js';

export interface Published {
  publishedAt: Date;
}

async function writeRows(deps: RegistryDeps, p: CheckedPublish, now: Date): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await ensurePublisher(tx, p.owner, now);
    const owner = await claimPack(tx, p.packId, p.owner, now);
    if (owner !== p.owner) {
      // Another publisher claimed the id between the checks and now.
      throw new RegistryError('pack_not_owned', `pack ${p.packId} belongs to publisher ${owner}`);
    }
    await insertVersion(tx, {
      packId: p.packId,
      version: p.version,
      sha256: p.sha256,
      keyId: p.keyId,
      manifest: p.manifest,
      bundle: p.bundle,
      size: p.tarball.length,
      publishedAt: now,
    });
    // The log entry commits with the version, or neither does.
    await appendLogEntry(tx, publishEntry({ ...p, publisher: p.owner }, now));
  });
}

export async function commitPublish(deps: RegistryDeps, p: CheckedPublish): Promise<Published> {
  const now = deps.clock.now();
  const blob = await deps.blobs.put(p.tarball);
  try {
    await writeRows(deps, p, now);
  } catch (err) {
    if (blob.created && (await blobReferences(deps.db, blob.sha256)) === 0) {
      await deps.blobs.remove(blob.sha256);
    }
    if (isUniqueViolation(err)) {
      throw new RegistryError('version_exists', `${p.packId}@${p.version} is already published`, {
        details: { id: p.packId, version: p.version },
        cause: err,
      });
    }
    throw err;
  }

  // A concurrent publish of the same bytes that failed may have removed the
  // blob this row now names; put it back.
  if (!blob.created && !(await deps.blobs.has(blob.sha256))) await deps.blobs.put(p.tarball);
  return { publishedAt: now };
}

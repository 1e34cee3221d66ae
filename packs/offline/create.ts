/**
 * `cordum bundle create ID@RANGE...`: resolve each pack in a registry,
 * download its tarball, signature bundle and key, verify them, and gather
 * them into one offline bundle. Nothing is written if any pack fails.
 */
import type { RegistryClient } from '../client/registry.js';
import { parseJson } from '../documents.js';
import { PackError } from '../errors.js';
import { parseSpec } from '../resolve.js';
import type { OfflineBundle, OfflineKey, OfflinePack } from './format.js';
import { MAX_OFFLINE_BYTES, OFFLINE_FORMAT } from './format.js';
import { verifyDownloaded } from './verify.js';

export async function createOfflineBundle(options: {
  registry: RegistryClient;
  specs: string[];
  now: Date;
  progress?: (line: string) => void;
  /** How long the file may grow (the tarballs' base64 counted as they come). */
  maxBytes?: number;
}): Promise<OfflineBundle> {
  const { registry } = options;
  const maxBytes = options.maxBytes ?? MAX_OFFLINE_BYTES;
  let size = 0;
  const progress = options.progress ?? (() => undefined);
  const packs = new Map<string, OfflinePack>();
  const keys = new Map<string, OfflineKey>();

  for (const spec of options.specs) {
    const { id, range } = parseSpec(spec);
    const v = await registry.resolve(id, range);
    const label = `${v.id}@${v.version}`;
    if (packs.has(label)) continue;
    progress(`adding ${label} (from ${spec})`);
    const tgz = await registry.fetchBytes(v.tarball_url);
    // Past this the file could not be written (nor read back): said before more is fetched.
    size += Math.ceil(tgz.length / 3) * 4;
    if (size > maxBytes) {
      throw new PackError('offline_bundle_too_large', `${label} takes the offline bundle past ` +
        `${maxBytes} bytes, the most one file holds: split the packs over several bundles`,
        { details: { limit: maxBytes } });
    }
    const bundle = parseJson((await registry.fetchBytes(v.bundle_url)).toString('utf8'),
      v.bundle_url);
    const key = keys.get(v.key_id) ?? await registry.getKey(v.key_id);
    await verifyDownloaded(v, tgz, bundle, key.public_key);
    keys.set(key.key_id, { key_id: key.key_id, publisher: key.publisher,
      public_key: key.public_key });
    packs.set(label, { id: v.id, version: v.version, sha256: v.sha256, key_id: v.key_id, range,
      source: v.tarball_url, tarball_base64: tgz.toString('base64'), bundle });
  }
  return {
    format: OFFLINE_FORMAT,
    formatVersion: 1,
    created_at: options.now.toISOString(),
    registry: registry.url,
    packs: [...packs.values()],
    keys: [...keys.values()],
  };
}

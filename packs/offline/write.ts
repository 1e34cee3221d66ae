/** Writes an offline bundle file atomically and says what is in it. */
import type { RegistryClient } from '../client/registry.js';
import { sha256Hex } from '../digest.js';
import { createOfflineBundle } from './create.js';
import { writeWhole } from '../write_whole.js';

export async function writeOfflineBundle(options: { registry: RegistryClient; specs: string[];
  out: string; progress?: (line: string) => void }) {
  const doc = await createOfflineBundle({ registry: options.registry, specs: options.specs,
    now: new Date(), ...(options.progress ? { progress: options.progress } : {}) });
  const bytes = Buffer.from(`${JSON.stringify(doc, null, 2)}\n`);
  // The output's folder is made, as `pack build --out` makes its own.
  writeWhole(options.out, bytes);
  return {
    file: options.out,
    file_sha256: sha256Hex(bytes),
    packs: doc.packs.map(({ id, version, sha256, key_id }) => ({ id, version, sha256, key_id })),
    keys: doc.keys.length,
  };
}

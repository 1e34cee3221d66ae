/**
 * Specs on the command line (`id`, `id@range`, `id@tag`) and the closure
 * source built from a registry client's pack and manifest reads.
 */
import { validRange } from 'semver';
import { PackError } from '../errors.js';
import { assertSpecId } from '../pack_id.js';
import { assertRange } from '../resolve.js';
import type { PackManifest } from '../manifest.js';
import type { ClosureSource } from './resolve.js';

const TAG = /^[a-z][a-z0-9-]{0,31}$/;

/** Splits `id@range` or `id@tag` (default `*`); a tag is a name that is not a range. */
export function splitSpec(spec: string): { id: string; range: string } {
  const at = spec.indexOf('@', 1);
  const id = at < 0 ? spec : spec.slice(0, at);
  const range = at < 0 ? '*' : spec.slice(at + 1) || '*';
  assertSpecId(spec, id);
  if (validRange(range) === null && !TAG.test(range)) {
    throw new PackError('semver_invalid', `${spec}: "${range}" is neither a semver range nor a ` +
      'dist-tag');
  }
  // Refuses a blank alternative (`^1 ||`), which semver would read as `*`.
  if (range.includes('||')) assertRange(range, spec);
  return { id, range };
}

/** What a registry client offers for closure resolution (RegistryClient has both). */
export interface ClosureRegistry {
  /** `yanked` lists the yanked versions (registry/routes/packs.ts). */
  getPack(id: string): Promise<{ versions: { version: string }[] }>;
  getManifest(id: string, version: string): Promise<PackManifest>;
}

export function hasClosureReads(r: object): r is ClosureRegistry {
  return 'getPack' in r && 'getManifest' in r;
}

export function closureSource(registry: ClosureRegistry): ClosureSource {
  return {
    versions: async (id) => {
      const pack = await registry.getPack(id) as { versions: { version: string }[];
        yanked?: string[] };
      const yanked = new Set(pack.yanked ?? []);
      return pack.versions.map((v) => ({ version: v.version, yanked: yanked.has(v.version) }));
    },
    requires: async (id, version) =>
      (await registry.getManifest(id, version)).requires_packs ?? [],
  };
}

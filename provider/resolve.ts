/**
 * Range resolution that never lands on a yanked version. The registry's
 * resolve endpoint does not know about yanks yet, so when it answers a
 * yanked version the next candidates are tried here, newest first.
 */
import rcompare from 'semver/functions/rcompare.js';
import satisfies from 'semver/functions/satisfies.js';
import type { RegistryApi } from './clients/registry.js';
import type { Resolved } from './clients/registry_types.js';
import { ProviderError } from './errors.js';

export async function resolveUnyanked(
  registry: RegistryApi,
  id: string,
  range: string,
): Promise<Resolved> {
  const first = await registry.resolve(id, range);
  if (!(await registry.yankStatus(id, first.version))?.yanked) return first;

  const pack = await registry.pack(id);
  const candidates = (pack?.versions ?? [])
    .filter((v) => satisfies(v.version, range))
    .sort((a, b) => rcompare(a.version, b.version));
  for (const v of candidates) {
    if ((await registry.yankStatus(id, v.version))?.yanked) continue;
    return { id, ...v };
  }
  throw new ProviderError(
    'registry_not_found',
    `Every published version of "${id}" that satisfies "${range}" is yanked.`,
    { remoteCode: 'range_unsatisfied', status: 404 },
  );
}

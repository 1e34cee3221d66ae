/** Path parameters shared by the route groups. */
import { RegistryError } from '../errors.js';
import type { RegistryContext } from '../state.js';
import { listVersions, type VersionRecord } from '../store/packs.js';
import type { Queryable } from '../../storage/database.js';

export function param(ctx: RegistryContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined) throw new RegistryError('internal', `route has no :${name} parameter`);
  return value;
}

/** Every version of pack `id`; 404 `pack_not_found` when it has none. */
export async function versionsOf(db: Queryable, id: string): Promise<VersionRecord[]> {
  const records = await listVersions(db, id);
  if (records.length === 0) {
    throw new RegistryError('pack_not_found', `no pack ${JSON.stringify(id)} in this registry`);
  }
  return records;
}

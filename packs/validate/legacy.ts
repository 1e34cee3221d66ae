/**
 * Parts of the legacy `tenants` policy form that decide nothing, said as warnings by
 * `pack validate` (packs/load.ts): the format turns only `deny_topics` and `allow_topics`
 * into rules, and only in a fragment with no `rules`.
 */
import { pointerToken } from '../documents.js';
import type { Issue } from '../errors.js';
import type { RawFragment } from '../policy/fragment.js';

export function legacyTenantWarnings(raw: RawFragment, file: string): Issue[] {
  const tenants = Object.entries(raw.tenants ?? {});
  if (tenants.length === 0) return [];
  if ((raw.rules ?? []).length > 0) {
    return [{ file, path: '/tenants', rule: 'field_unused', message: 'tenants is not used ' +
      'beside rules (the legacy form applies only to a fragment with no rules), so none of ' +
      'its lists decides anything; write them as rules' }];
  }
  const warnings: Issue[] = [];
  for (const [tenant, lists] of tenants) {
    for (const key of Object.keys(lists ?? {})) {
      if (key === 'deny_topics' || key === 'allow_topics') continue;
      warnings.push({ file, path: `/tenants/${pointerToken(tenant)}/${pointerToken(key)}`,
        rule: 'field_unused', message: `${key} decides nothing here: only deny_topics and ` +
          'allow_topics become rules (and `cordum pack migrate` drops it); write it as a rule' });
    }
  }
  return warnings;
}

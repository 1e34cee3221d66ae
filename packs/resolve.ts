/** Semver checks and range resolution, the same for registry and clients. */
import { maxSatisfying, valid, validRange } from 'semver';
import { PackError } from './errors.js';
import { assertSpecId } from './pack_id.js';

export function assertVersion(version: string, where: string): string {
  const v = valid(version);
  if (!v) {
    throw new PackError('semver_invalid', `${where}: "${version}" is not a semver version`, {
      issues: [{ file: where, path: '', message: 'expected a version such as 1.2.3' }],
    });
  }
  return v;
}

export function assertRange(range: string, where: string): string {
  // semver reads a blank alternative as `*`: `^1 ||` would pick 9.0.0, not a 1.x.
  if (range.includes('||') && range.split('||').some((part) => part.trim() === '')) {
    throw new PackError('semver_invalid', `${where}: "${range}" has an empty alternative ` +
      'beside `||`, which would match every version', {
      issues: [{ file: where, path: '', message: 'expected a range on each side of ||' }],
    });
  }
  const r = validRange(range);
  if (r === null) {
    throw new PackError('semver_invalid', `${where}: "${range}" is not a semver range`, {
      issues: [{ file: where, path: '', message: 'expected a range such as ^1.2.0 or *' }],
    });
  }
  return r;
}

/** The highest version in `versions` that satisfies `range`. */
export function resolveRange(versions: string[], range: string, what = 'pack'): string {
  assertRange(range, `range for ${what}`);
  const best = maxSatisfying(versions, range);
  if (!best) {
    throw new PackError('range_unsatisfied', `${what}: no version satisfies "${range}" (have ${
      versions.length ? versions.join(', ') : 'none'})`, { details: { range, versions } });
  }
  return best;
}

/** Splits `id@range` (the range defaults to `*`). */
export function parseSpec(spec: string): { id: string; range: string } {
  const at = spec.indexOf('@', 1);
  const id = at < 0 ? spec : spec.slice(0, at);
  const range = at < 0 ? '*' : spec.slice(at + 1) || '*';
  assertSpecId(spec, id);
  assertRange(range, spec);
  return { id, range };
}

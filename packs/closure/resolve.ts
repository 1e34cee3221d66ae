/**
 * The closure of `requires_packs`: every pack the asked-for packs need,
 * each at one version. An entry is `id` or `id@range`. A pack's version is
 * the highest unyanked one satisfying every range asked of it, each range
 * checked on its own; when none does, or the packs need each other in a
 * circle, resolution fails with a message naming the chains that asked.
 */
import semver from 'semver';
import { PackError } from '../errors.js';
import { parseSpec } from '../resolve.js';

/** What resolution needs to know of a registry. */
export interface ClosureSource {
  /** Every published version of a pack, with whether it is yanked. */
  versions(id: string): Promise<{ version: string; yanked?: boolean }[]>;
  /** The `requires_packs` of one version. */
  requires(id: string, version: string): Promise<string[]>;
}

export interface ClosureEntry {
  id: string;
  version: string;
  /** One range meaning every range asked of it at once (see intersection). */
  range: string;
  /** The ranges asked of it, in the order they were asked, each once. */
  ranges: string[];
  /** Who asked first: `[root]` or `[root, ..., parent]`. */
  chain: string[];
}

interface Ask {
  range: string;
  chain: string[];
}

const MAX_STEPS = 10_000;
/** Alternatives (`||`) an intersection may spell out; past it, ranges are refused. */
const MAX_ALTERNATIVES = 64;
const label = (chain: string[]) => chain.join(' → ');

/**
 * The highest live version satisfying each range on its own. Joining the
 * ranges with a space is no intersection once one holds `||` (`^1 1.0.0
 * || 2.0.0` reads as `(^1 1.0.0) || 2.0.0`) or a hyphen range.
 */
function pick(id: string, asks: Ask[], versions: { version: string; yanked?: boolean }[]) {
  const live = versions.filter((v) => !v.yanked).map((v) => v.version);
  const fits = live.filter((v) => asks.every((a) => semver.satisfies(v, a.range)));
  const best = semver.rsort(fits)[0];
  if (best) return best;
  const who = asks.map((a) => `${label([...a.chain, `${id}@${a.range}`])}`).join('; ');
  throw new PackError('closure_conflict', `no unyanked version of ${id} satisfies every ` +
    `range asked of it (${who}); have ${live.join(', ') || 'none'}`,
  { details: { id, asks, versions: live } });
}

/**
 * A range's `||` alternatives, each a space may join to another: the range
 * itself when it has one plain alternative, else its comparators (a hyphen
 * range `1 - 2` only parses alone, as `>=1.0.0 <=2.0.0` it joins).
 */
function alternatives(range: string): string[] {
  if (!range.includes('||') && !/\s-\s/.test(range)) return [range.trim() || '*'];
  return new semver.Range(range).set.map((set) =>
    set.map((c) => c.value).filter((v) => v !== '').join(' ') || '*');
}

/**
 * One range that means every one of `ranges` at once, for the lock: each
 * `||` alternative of one joined by a space with each of the next, the
 * combinations no version could satisfy left out (`^1` and `1.0.0 ||
 * 2.0.0` give `^1 1.0.0`). Pre-release versions are the exception: a joined
 * alternative lets one through if any of its parts names that pre-release,
 * where pick() asks each range; the lock's range is a record, the version
 * is what pick() chose.
 */
export function intersection(id: string, ranges: string[]): string {
  let combined = [''];
  for (const range of new Set(ranges)) {
    const all = combined.flatMap((left) => alternatives(range).map((right) =>
      (left === '' ? right : `${left} ${right}`)));
    // minVersion is exact for plain versions; never drop all, which would mean "none".
    const kept = all.filter((r) => semver.minVersion(r) !== null);
    combined = kept.length > 0 ? kept : all;
    if (combined.length > MAX_ALTERNATIVES) {
      throw new PackError('closure_conflict', `the ranges asked of ${id} (${ranges.join('; ')}) ` +
        `combine into more than ${MAX_ALTERNATIVES} alternatives; expected simpler ranges`,
      { details: { id, ranges } });
    }
  }
  return combined.join(' || ');
}

/** Finds a cycle among chosen versions' requirements, as `a → b → a`. */
function findCycle(edges: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    path.push(id);
    for (const next of edges.get(id) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}

/** A pack's versions; one a pack requires but no registry has is named with who asked. */
async function versionsOf(source: ClosureSource, id: string, chain: string[]) {
  try {
    return await source.versions(id);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    // Same error, same code: its message says which pack's requires_packs named it.
    if (chain.length > 0 && err instanceof Error &&
      (code === 'pack_not_found' || code === 'not_found')) {
      err.message = `${label(chain)} requires ${id} (requires_packs), which the registry ` +
        `does not have: ${err.message}`;
    }
    throw err;
  }
}

/** Resolves the closure of `roots` (`id@range` each, as on the command line). */
export async function resolveClosure(roots: string[], source: ClosureSource)
  : Promise<ClosureEntry[]> {
  const asks = new Map<string, Ask[]>();
  const chosen = new Map<string, string>();
  const edges = new Map<string, string[]>();
  const queue: { id: string; ask: Ask }[] = roots.map((spec) => {
    const { id, range } = parseSpec(spec);
    return { id, ask: { range, chain: [] } };
  });

  for (let steps = 0; queue.length > 0; steps++) {
    if (steps > MAX_STEPS) throw new PackError('closure_conflict', 'requires_packs too deep');
    const { id, ask } = queue.shift()!;
    const list = [...(asks.get(id) ?? []), ask];
    asks.set(id, list);
    const current = chosen.get(id);
    if (current !== undefined && semver.satisfies(current, ask.range)) continue;

    const version = pick(id, list, await versionsOf(source, id, ask.chain));
    chosen.set(id, version);
    const needs = (await source.requires(id, version)).map((s) => parseSpec(s));
    edges.set(id, needs.map((n) => n.id));
    const chain = [...ask.chain, `${id}@${version}`];
    for (const need of needs) queue.push({ id: need.id, ask: { range: need.range, chain } });
  }

  const cycle = findCycle(edges);
  if (cycle) {
    throw new PackError('closure_cycle', `requires_packs form a cycle: ${label(cycle)}`,
      { details: { cycle } });
  }
  return [...chosen].map(([id, version]) => {
    const list = asks.get(id)!;
    const ranges = [...new Set(list.map((a) => a.range))];
    return { id, version, range: intersection(id, ranges), ranges, chain: list[0]!.chain };
  });
}

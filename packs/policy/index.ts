/**
 * A rule index for first-match evaluation. Each rule goes in one place by
 * its `topics`: under each literal topic it names, under each literal
 * prefix of a `prefix*` glob, or, with no topics or any other glob, in the
 * list every request must try. A request's candidates are the merge of the
 * lists its topic reaches, in rule order, so the first candidate whose
 * predicate holds is the same rule a full scan would find, while rules for
 * other topics are never looked at.
 */
import { predicatesOf, type RulePredicate } from './compile.js';
import type { PolicyRequest, PolicySnapshot, Rule } from './types.js';

const GLOB_CHARS = /[*?[\\]/;
/** Merged candidate lists kept per topic; past this many, the cache starts over. */
const CACHE_LIMIT = 4096;

export interface RuleIndex {
  predicates: RulePredicate[];
  /** Rule positions, ascending, a request with this topic may match. */
  candidates(topic: string | undefined): Int32Array;
}

type Placement =
  | { kind: 'always' }
  | { kind: 'keyed'; literals: string[]; prefixes: string[] };

/** Where a rule's topics let the index put it. */
export function placementOf(rule: Rule): Placement {
  const topics = rule.match.topics;
  if (!topics || topics.length === 0) return { kind: 'always' };
  const literals: string[] = [];
  const prefixes: string[] = [];
  for (const t of topics) {
    if (!GLOB_CHARS.test(t)) literals.push(t);
    else if (t.endsWith('*') && !GLOB_CHARS.test(t.slice(0, -1))) prefixes.push(t.slice(0, -1));
    else return { kind: 'always' };
  }
  return { kind: 'keyed', literals, prefixes };
}

function push(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [i]);
  else if (list[list.length - 1] !== i) list.push(i);
}

/** Merges ascending lists into one ascending list without repeats. */
function mergeSorted(lists: number[][]): Int32Array {
  if (lists.length === 1) return Int32Array.from(lists[0]!);
  const all = new Set<number>();
  for (const l of lists) for (const i of l) all.add(i);
  return Int32Array.from([...all].sort((a, b) => a - b));
}

export function buildIndex(rules: Rule[], predicates: RulePredicate[]): RuleIndex {
  const always: number[] = [];
  const literal = new Map<string, number[]>();
  const prefix = new Map<string, number[]>();
  rules.forEach((rule, i) => {
    const p = placementOf(rule);
    if (p.kind === 'always') always.push(i);
    else {
      for (const t of p.literals) push(literal, t, i);
      for (const t of p.prefixes) push(prefix, t, i);
    }
  });
  const lengths = new Set([...prefix.keys()].map((k) => k.length));
  const prefixLengths = [...lengths].sort((a, b) => a - b);
  const noTopic = Int32Array.from(always);
  let cache = new Map<string, Int32Array>();

  const compute = (topic: string): Int32Array => {
    const lists: number[][] = always.length > 0 ? [always] : [];
    const exact = literal.get(topic);
    if (exact) lists.push(exact);
    for (const len of prefixLengths) {
      if (len > topic.length) break;
      const list = prefix.get(topic.slice(0, len));
      // `*` never crosses a '/', so a prefix glob holds only when none follows.
      if (list && !topic.includes('/', len)) lists.push(list);
    }
    return lists.length === 0 ? new Int32Array(0) : mergeSorted(lists);
  };

  return {
    predicates,
    candidates(topic) {
      if (topic === undefined) return noTopic;
      let found = cache.get(topic);
      if (found === undefined) {
        found = compute(topic);
        if (cache.size >= CACHE_LIMIT) cache = new Map();
        cache.set(topic, found);
      }
      return found;
    },
  };
}

const indexes = new WeakMap<PolicySnapshot, RuleIndex>();

/** The snapshot's rule index, built on first use and kept with the snapshot. */
export function indexOf(snapshot: PolicySnapshot): RuleIndex {
  let index = indexes.get(snapshot);
  if (!index) {
    index = buildIndex(snapshot.rules, predicatesOf(snapshot));
    indexes.set(snapshot, index);
  }
  return index;
}

/** The position of the first rule that matches, or -1: same answer as a full scan. */
export function firstMatchIndex(
  index: RuleIndex,
  request: PolicyRequest,
  tenant: string,
): number {
  const candidates = index.candidates(request.topic);
  const predicates = index.predicates;
  for (let k = 0; k < candidates.length; k++) {
    const i = candidates[k]!;
    if (predicates[i]!(request, tenant)) return i;
  }
  return -1;
}

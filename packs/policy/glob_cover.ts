/**
 * Whether one topic glob matches every topic another matches, for lint's
 * shadow check. The answer is certain when it is yes: the later pattern's
 * pieces are laid over the earlier one's, each `*` of the earlier taking a
 * run of pieces that can only match characters other than `/` (as a `*`
 * does), every other piece taking exactly one piece whose characters are
 * all among its own. A no may be wrong (a `*` split across pieces is not
 * tried), and then lint reports an overlap where it could have said
 * shadowed, never the reverse.
 *
 * Only patterns whose classes cannot match `/` are compared this way: with
 * those, Go's non-backtracking matcher (packs/policy/glob.ts) matches
 * exactly what the pattern describes, which the laying-over relies on.
 */
import { globTokens, type GlobToken } from './glob.js';

type Single = Exclude<GlobToken, { kind: 'star' }>;

const SLASH = 0x2f;
// Together; the comparison recurses once a piece and keeps a table of their product.
const MAX_PIECES = 512;

const inRanges = (ranges: [number, number][], cp: number) =>
  ranges.some(([lo, hi]) => lo <= cp && cp <= hi);

/** Does the one-character piece match code point `cp`? */
function takes(t: Single, cp: number): boolean {
  if (t.kind === 'char') return t.cp === cp;
  if (t.kind === 'any') return cp !== SLASH;
  return inRanges(t.ranges, cp) !== t.negated;
}

/** Is every code point of `inner` within `outer`'s ranges? */
function rangesCover(outer: [number, number][], inner: [number, number][]): boolean {
  const sorted = [...outer].sort((x, y) => x[0] - y[0]);
  return inner.every(([lo, hi]) => {
    let next = lo;
    for (const [a, b] of sorted) {
      if (a > next) break;
      if (b >= next) next = b + 1;
      if (next > hi) return true;
    }
    return false;
  });
}

const disjoint = (a: [number, number][], b: [number, number][]) =>
  a.every(([lo, hi]) => b.every(([l, h]) => hi < l || h < lo));

/** Does piece `outer` match every character piece `inner` matches? */
function singleCovers(outer: Single, inner: Single): boolean {
  if (inner.kind === 'char') return takes(outer, inner.cp);
  if (outer.kind === 'char') return false;
  if (outer.kind === 'any') return !takes(inner, SLASH);
  // `outer` is a class.
  if (inner.kind === 'any') return outer.negated && rangesCover([[SLASH, SLASH]], outer.ranges);
  if (!inner.negated) {
    return outer.negated ? disjoint(outer.ranges, inner.ranges)
      : rangesCover(outer.ranges, inner.ranges);
  }
  // Everything but inner's ranges lies within everything but outer's.
  return outer.negated && rangesCover(inner.ranges, outer.ranges);
}

/** Can the piece match `/`? Only pieces that cannot are compared here. */
const mayMatchSlash = (t: GlobToken) => t.kind === 'class' && takes(t, SLASH);

/**
 * Does `outer` match every topic `inner` matches? Undefined when the
 * patterns are outside what this comparison handles.
 */
export function globCovers(outer: string, inner: string): boolean | undefined {
  const a = globTokens(outer);
  const b = globTokens(inner);
  if (!a || !b || a.some(mayMatchSlash) || b.some(mayMatchSlash)) return undefined;
  // Topics are short; a pattern long enough to make the table big is left to the caller.
  if (a.length + b.length > MAX_PIECES) return undefined;
  const memo = new Map<number, boolean>();
  const cover = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let answer: boolean;
    const x = a[i];
    const y = b[j];
    if (x === undefined) answer = y === undefined;
    else if (x.kind === 'star') {
      // The star takes nothing more, or takes `y` whole (nothing `y` matches holds a '/').
      answer = cover(i + 1, j) ||
        (y !== undefined && !(y.kind === 'char' && y.cp === SLASH) && cover(i, j + 1));
    } else {
      answer = y !== undefined && y.kind !== 'star' && singleCovers(x, y) && cover(i + 1, j + 1);
    }
    memo.set(key, answer);
    return answer;
  };
  return cover(0, 0);
}

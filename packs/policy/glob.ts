/**
 * Topic globs with the semantics of Go's `path.Match`, which Cordum uses:
 * `*` matches any run of characters except `/`, `?` one such character,
 * `[...]` a class (`^` negates, `a-z` ranges, `\` escapes), which, as in Go,
 * may match `/`. A character is a code point, as Go's is a rune.
 */
export class GlobError extends Error {
  override readonly name = 'GlobError';
}

/**
 * Go's algorithm, step for step: the pattern is cut into chunks at stars;
 * each chunk is matched at the leftmost place the star before it can reach,
 * never revisited. That keeps matching linear in the name, and gives Go's
 * answer even where a backtracking matcher would differ (a class matching
 * `/` after a star).
 */
export function globMatch(pattern: string, name: string): boolean {
  let pi = 0;
  let si = 0;
  while (pi < pattern.length) {
    const star = pattern[pi] === '*';
    while (pattern[pi] === '*') pi++;
    const end = chunkEnd(pattern, pi);
    const last = end === pattern.length;
    // A trailing star takes the rest of the name, unless it holds a '/'.
    if (star && pi === end) return !name.slice(si).includes('/');

    const here = matchChunk(pattern, pi, end, name, si);
    if (here >= 0 && (here === name.length || !last)) {
      pi = end;
      si = here;
      continue;
    }
    const skipped = star ? skipToChunk(pattern, pi, end, name, si, last) : -1;
    if (skipped < 0) return false;
    pi = end;
    si = skipped;
  }
  return si === name.length;
}

/** Where the star before a chunk lets it match: past one more non-'/' character each try. */
function skipToChunk(p: string, pi: number, end: number, s: string, si: number,
  last: boolean): number {
  for (let i = si; i < s.length && s[i] !== '/'; i += width(s, i)) {
    const t = matchChunk(p, pi, end, s, i + width(s, i));
    if (t >= 0 && (!last || t === s.length)) return t;
  }
  return -1;
}

/** The end of the chunk starting at `start`: the next star outside a class. */
function chunkEnd(p: string, start: number): number {
  let inClass = false;
  for (let i = start; i < p.length; i++) {
    if (p[i] === '\\') i++;
    else if (p[i] === '[') inClass = true;
    else if (p[i] === ']') inClass = false;
    else if (p[i] === '*' && !inClass) return i;
  }
  return p.length;
}

/** Matches one chunk (no stars) at `si`; the index after it, or -1. */
function matchChunk(p: string, pi: number, end: number, s: string, si: number): number {
  while (pi < end) {
    if (si >= s.length) return -1;
    const c = p[pi];
    if (c === '[') {
      // Unlike `*` and `?`, a class may match '/', as in Go.
      const cls = parseClass(p, pi);
      const cp = s.codePointAt(si)!;
      if (!cls || cls.ranges.some(([lo, hi]) => lo <= cp && cp <= hi) === cls.negated) return -1;
      pi = cls.end + 1;
      si += width(s, si);
    } else if (c === '?') {
      if (s[si] === '/') return -1;
      pi++;
      si += width(s, si);
    } else {
      if (c === '\\') pi++;
      if (pi >= end || p[pi] !== s[si]) return -1;
      pi++;
      si++;
    }
  }
  return si;
}

/** `?` and a class take one character, as Go takes one rune: a whole code point. */
function width(s: string, i: number): number {
  return (s.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
}

/** Throws a GlobError when the pattern is malformed, where Go's path.Match says ErrBadPattern. */
export function checkGlob(pattern: string): void {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 >= pattern.length) throw new GlobError(`pattern ends with an escape: ${pattern}`);
      i++;
    } else if (c === '[') {
      const cls = parseClass(pattern, i);
      if (!cls) throw new GlobError(`malformed or unclosed [ in pattern: ${pattern}`);
      i = cls.end;
    }
  }
}

/** One piece of a pattern: `*`, `?`, a class, or a character (its escape undone). */
export type GlobToken =
  | { kind: 'star' }
  | { kind: 'any' }
  | { kind: 'class'; negated: boolean; ranges: [number, number][] }
  | { kind: 'char'; cp: number };

/** The pattern's pieces in order; undefined for a malformed pattern. */
export function globTokens(pattern: string): GlobToken[] | undefined {
  const tokens: GlobToken[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') tokens.push({ kind: 'star' });
    else if (c === '?') tokens.push({ kind: 'any' });
    else if (c === '[') {
      const cls = parseClass(pattern, i);
      if (!cls) return undefined;
      tokens.push({ kind: 'class', negated: cls.negated, ranges: cls.ranges });
      i = cls.end;
    } else {
      if (c === '\\' && ++i >= pattern.length) return undefined;
      const cp = pattern.codePointAt(i)!;
      tokens.push({ kind: 'char', cp });
      if (cp > 0xffff) i++;
    }
  }
  return tokens;
}

interface CharClass {
  /** Index of the closing `]`. */
  end: number;
  negated: boolean;
  /** Inclusive code point ranges. */
  ranges: [number, number][];
}

/**
 * Parses the class opening at `start` with Go's grammar: an optional `^`,
 * then one or more `c` or `lo-hi`, where a bare `-` or `]` is not a
 * character (escape it). Returns undefined for a malformed class.
 */
function parseClass(p: string, start: number): CharClass | undefined {
  let i = start + 1;
  const negated = p[i] === '^';
  if (negated) i++;
  const ranges: [number, number][] = [];
  // Reads one possibly escaped class character; undefined when there is none.
  const char = (): number | undefined => {
    if (i >= p.length || p[i] === '-' || p[i] === ']') return undefined;
    if (p[i] === '\\') i++;
    const cp = p.codePointAt(i);
    if (cp === undefined) return undefined;
    i += cp > 0xffff ? 2 : 1;
    return cp;
  };
  while (!(p[i] === ']' && ranges.length > 0)) {
    const lo = char();
    if (lo === undefined) return undefined;
    let hi = lo;
    if (p[i] === '-') {
      i++;
      const upper = char();
      if (upper === undefined) return undefined;
      hi = upper;
    }
    ranges.push([lo, hi]);
  }
  return { end: i, negated, ranges };
}

/**
 * Topic globs with the semantics of Go's `path.Match`, which Cordum uses:
 * `*` matches any run of characters except `/`, `?` one such character,
 * `[...]` a class (`^` negates, `a-z` ranges, `\` escapes).
 */
export class GlobError extends Error {
  override readonly name = 'GlobError';
}

export function globMatch(pattern: string, name: string): boolean {
  return matchAt(pattern, 0, name, 0);
}

/** Throws a GlobError when the pattern is malformed (an unclosed class). */
export function checkGlob(pattern: string): void {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 >= pattern.length) throw new GlobError(`pattern ends with an escape: ${pattern}`);
      i++;
    } else if (c === '[') {
      const end = classEnd(pattern, i);
      if (end < 0) throw new GlobError(`unclosed [ in pattern: ${pattern}`);
      i = end;
    }
  }
}

function matchAt(p: string, pi: number, s: string, si: number): boolean {
  while (pi < p.length) {
    const c = p[pi]!;
    if (c === '*') {
      // Collapse runs of stars, then try every split that does not cross '/'.
      while (p[pi] === '*') pi++;
      if (pi === p.length) return !s.slice(si).includes('/');
      for (let k = si; k <= s.length; k++) {
        if (matchAt(p, pi, s, k)) return true;
        if (s[k] === '/') return false;
      }
      return false;
    }
    if (si >= s.length) return false;
    if (c === '?') {
      if (s[si] === '/') return false;
    } else if (c === '[') {
      const end = classEnd(p, pi);
      if (end < 0 || s[si] === '/' || !classHas(p.slice(pi + 1, end), s[si]!)) return false;
      pi = end;
    } else if (c === '\\') {
      pi++;
      if (p[pi] !== s[si]) return false;
    } else if (c !== s[si]) {
      return false;
    }
    pi++;
    si++;
  }
  return si === s.length;
}

function classEnd(p: string, start: number): number {
  let i = start + 1;
  if (p[i] === '^') i++;
  if (p[i] === ']') i++;
  for (; i < p.length; i++) {
    if (p[i] === '\\') i++;
    else if (p[i] === ']') return i;
  }
  return -1;
}

function classHas(body: string, ch: string): boolean {
  let negate = false;
  let i = 0;
  if (body[0] === '^') {
    negate = true;
    i = 1;
  }
  let found = false;
  while (i < body.length) {
    let lo = body[i]!;
    if (lo === '\\') lo = body[++i] ?? '';
    let hi = lo;
    if (body[i + 1] === '-' && i + 2 < body.length) {
      hi = body[i + 2] === '\\' ? body[i + 3] ?? '' : body[i + 2]!;
      i += body[i + 2] === '\\' ? 3 : 2;
    }
    if (ch >= lo && ch <= hi) found = true;
    i++;
  }
  return found !== negate;
}

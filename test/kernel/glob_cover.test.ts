/**
 * The shadow check's glob comparison (packs/policy/glob_cover.ts) against
 * the matcher itself: whenever it says one pattern covers another, every
 * string of up to five characters over a small alphabet that the second
 * matches, the first matches too. Patterns are drawn from a seeded
 * generator over the same alphabet with every kind of piece.
 */
import { describe, expect, it } from 'vitest';
import { globCovers } from '../../packs/policy/glob_cover.js';
import { globMatch } from '../../packs/policy/glob.js';

const ALPHABET = ['a', 'b', '.', '/'];
const PIECES = ['a', 'b', '.', '/', '*', '?', '[ab]', '[^a]', '[a-b]', '[^/]', '[/a]', '\\*'];

/** A small deterministic generator (mulberry32). */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function strings(max: number): string[] {
  const all = [''];
  let level = [''];
  for (let n = 1; n <= max; n++) {
    level = level.flatMap((s) => ALPHABET.map((c) => s + c));
    all.push(...level);
  }
  return all;
}

describe('globCovers', () => {
  it('claims a cover only where the matcher agrees on every short string', () => {
    const next = random(7);
    const pattern = () => Array.from({ length: 1 + Math.floor(next() * 4) },
      () => PIECES[Math.floor(next() * PIECES.length)]).join('');
    const names = strings(5);
    let claimed = 0;
    for (let i = 0; i < 3000; i++) {
      const outer = pattern();
      const inner = pattern();
      if (globCovers(outer, inner) !== true) continue;
      claimed++;
      const missed = names.find((s) => globMatch(inner, s) && !globMatch(outer, s));
      expect(missed, `${outer} was said to cover ${inner}`).toBeUndefined();
    }
    // Enough claims that the check means something.
    expect(claimed).toBeGreaterThan(80);
  });

  it.each([
    ['job.*', 'job.?', true],
    ['job.*', 'job.[ab]x*', true],
    ['job.[a-f]', 'job.[b-c]', true],
    ['job.[^/x]', 'job.[ab]', true],
    ['job.?', 'job.*', false],
    ['job.[a-c]', 'job.[a-d]', false],
    ['job.*', 'job.a/b', false],
  ])('%s covers %s: %s', (outer, inner, expected) => {
    expect(globCovers(outer, inner)).toBe(expected);
  });

  it('leaves patterns whose classes may match "/" to the caller', () => {
    expect(globCovers('job.*', 'job.[/a]')).toBeUndefined();
    expect(globCovers('job.[^a]', 'job.b')).toBeUndefined();
  });
});

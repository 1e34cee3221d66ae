/**
 * Topic globs against Go's path.Match, which Cordum uses: `*` and `?` never
 * cross `/`, classes with `^`, ranges and escapes, and the same patterns
 * refused as malformed.
 */
import { describe, expect, it } from 'vitest';
import { checkGlob, GlobError, globMatch } from '../../packs/policy/glob.js';

// Cases from the documented behaviour of Go's path.Match (and its own tests).
const globs: [pattern: string, name: string, matches: boolean][] = [
  ['abc', 'abc', true],
  ['abc', 'abd', false],
  ['', '', true],
  ['', 'a', false],
  ['*', '', true],
  ['*', 'abc', true],
  ['*', 'a/b', false],
  ['**', 'abc', true],
  ['*c', 'abc', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ab/c', false],
  ['a*/b', 'abc/b', true],
  ['a*/b', 'a/c/b', false],
  ['a/*', 'a/', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false],
  ['*x', 'xxx', true],
  ['a?b', 'axb', true],
  ['a?b', 'ab', false],
  ['a?b', 'a/b', false],
  ['a*b', 'a/b', false],
  ['a?b', 'a☺b', true],
  ['a???b', 'a☺b', false],
  ['?', '😀', true],
  ['ab[c]', 'abc', true],
  ['ab[b-d]', 'abc', true],
  ['ab[e-g]', 'abc', false],
  ['ab[^c]', 'abc', false],
  ['ab[^b-d]', 'abc', false],
  ['ab[^e-g]', 'abc', true],
  ['a[^a]b', 'a☺b', true],
  ['a[^a][^a][^a]b', 'a☺b', false],
  ['[a-ζ]*', 'α', true],
  ['*[a-ζ]', 'A', false],
  ['[😀-😂]', '😁', true],
  // A class is the one operator that may match '/'.
  ['a[/]b', 'a/b', true],
  ['a[^x]b', 'a/b', true],
  // Go never moves a chunk once placed: here `[/b]` takes the 'b', and the
  // last star cannot cross the '/' that is left. A backtracking matcher says true.
  ['a*[/b]*c', 'ab/c', false],
  ['a*[/b]*c', 'ab/bc', false],
  ['a*[/b]c', 'ab/c', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'ab', false],
  ['a\\?b', 'a?b', true],
  ['a\\?b', 'axb', false],
  ['\\[x]', '[x]', true],
  ['[\\]a]', ']', true],
  ['[\\-]', '-', true],
  ['[x\\-]', 'x', true],
  ['[x\\-]', '-', true],
  ['[x\\-]', 'z', false],
  ['[\\-x]', 'x', true],
  ['[\\-x]', 'a', false],
  // Cordum's topics use dots, which `*` crosses freely.
  ['job.hello-pack.*', 'job.hello-pack.echo', true],
  ['job.hello-pack.*', 'job.hello-pack', false],
  ['job.*', 'job.slack.write', true],
  ['job.*.write', 'job.slack.write', true],
  ['job.*.write', 'job.slack.read', false],
  ['job.slack.read', 'job.slack.reader', false],
  ['job.github.[rw]*', 'job.github.write', true],
  ['job.github.[^rw]*', 'job.github.write', false],
];

const badGlobs = [
  '[', '[^', '[^bc', 'a[', 'a/b[', 'job.[', '\\', 'a\\', '[]', '[^]', '[]a]', '[-]', '[x-]',
  '[-x]', '[a-b-c]', '[\\', 'ok.*.[a-',
];

describe('globMatch (Go path.Match)', () => {
  it.each(globs)('%j against %j is %s', (pattern, name, matches) => {
    expect(globMatch(pattern, name)).toBe(matches);
  });

  it.each(badGlobs)('checkGlob refuses %j, and it matches nothing', (pattern) => {
    expect(() => checkGlob(pattern)).toThrow(GlobError);
    for (const name of ['', 'a', '-', ']', 'x', 'job.x', pattern]) {
      expect(globMatch(pattern, name)).toBe(false);
    }
  });

  it('takes linear time on patterns that make backtracking explode', () => {
    const started = Date.now();
    expect(globMatch('*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(20_000))).toBe(false);
    expect(globMatch('job.*.*.*.*.*.*.*.x', `job.${'a.'.repeat(5_000)}y`)).toBe(false);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it.each(globs.map(([p]) => p))('checkGlob accepts %j', (pattern) => {
    expect(() => checkGlob(pattern)).not.toThrow();
  });
});

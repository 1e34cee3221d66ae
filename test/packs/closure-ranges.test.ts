/**
 * requires_packs asking one pack for several ranges: a version must satisfy
 * each range on its own (a `||` range joined to another with a space is no
 * intersection), and the range kept for the lock is one valid range that
 * means all of them at once.
 */
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import {
  intersection, resolveClosure, type ClosureSource,
} from '../../packs/closure/resolve.js';
import { splitSpec } from '../../packs/closure/source.js';

type Graph = Record<string, Record<string, { requires?: string[]; yanked?: boolean }>>;

function source(graph: Graph): ClosureSource {
  return {
    versions: async (id) => Object.entries(graph[id] ?? {}).map(([version, v]) =>
      ({ version, yanked: v.yanked ?? false })),
    requires: async (id, version) => graph[id]?.[version]?.requires ?? [],
  };
}

const DEPLIB = { '1.0.0': {}, '1.5.0': {}, '2.0.0': {} };

describe('several ranges asked of one pack', () => {
  it('picks the highest version every range allows, each range checked alone', async () => {
    const graph: Graph = {
      needa: { '1.0.0': { requires: ['deplib@^1'] } },
      needb: { '1.0.0': { requires: ['deplib@1.0.0 || 2.0.0'] } },
      deplib: DEPLIB,
    };
    const closure = await resolveClosure(['needa@1.0.0', 'needb@1.0.0'], source(graph));
    const deplib = closure.find((e) => e.id === 'deplib')!;
    expect(deplib.version).toBe('1.0.0');
    expect(deplib.ranges).toEqual(['^1', '1.0.0 || 2.0.0']);
    expect(deplib.range).toBe('^1 1.0.0');
    expect(semver.validRange(deplib.range)).not.toBeNull();
  });

  it('names each requirer and its range when no version satisfies them all', async () => {
    const graph: Graph = {
      needa: { '1.0.0': { requires: ['deplib@^1'] } },
      needb: { '1.0.0': { requires: ['deplib@1.4.0 || 2.0.0'] } },
      deplib: DEPLIB,
    };
    await expect(resolveClosure(['needa@1.0.0', 'needb@1.0.0'], source(graph))).rejects
      .toMatchObject({ code: 'closure_conflict', message: 'no unyanked version of deplib ' +
        'satisfies every range asked of it (needa@1.0.0 → deplib@^1; needb@1.0.0 → ' +
        'deplib@1.4.0 || 2.0.0); have 1.0.0, 1.5.0, 2.0.0' });
  });

  it('does not let a yanked version through a || range', async () => {
    const graph: Graph = {
      needa: { '1.0.0': { requires: ['deplib@^1'] } },
      needb: { '1.0.0': { requires: ['deplib@1.0.0 || 1.5.0'] } },
      deplib: { ...DEPLIB, '1.5.0': { yanked: true } },
    };
    const closure = await resolveClosure(['needa@1.0.0', 'needb@1.0.0'], source(graph));
    expect(closure.find((e) => e.id === 'deplib')!.version).toBe('1.0.0');
  });
});

const VERSIONS = ['0.9.0', '1.0.0', '1.2.0', '1.4.9', '1.5.0', '2.0.0', '2.1.0', '3.0.0',
  '3.4.0', '5.0.0'];

describe('intersection of ranges', () => {
  const cases: { name: string; ranges: string[]; expected: string }[] = [
    { name: 'one range stays as asked', ranges: ['^1'], expected: '^1' },
    { name: 'the same range twice is one', ranges: ['^1', '^1'], expected: '^1' },
    { name: 'plain ranges join with a space', ranges: ['*', '~2.1.0'], expected: '* ~2.1.0' },
    { name: 'a || range distributes, impossible parts dropped',
      ranges: ['^1', '1.0.0 || 2.0.0'], expected: '^1 1.0.0' },
    { name: 'a hyphen range is spelled out', ranges: ['1.0.0 - 2.0.0', '^1'],
      expected: '>=1.0.0 <=2.0.0 ^1' },
    { name: 'two || ranges', ranges: ['^1 || ^3', '>=1.4.0 <2 || 3.x || 5'],
      expected: '>=1.0.0 <2.0.0-0 >=1.4.0 <2.0.0-0 || >=3.0.0 <4.0.0-0 >=3.0.0 <4.0.0-0' },
  ];
  it.each(cases)('$name', ({ ranges, expected }) => {
    const range = intersection('deplib', ranges);
    expect(range).toBe(expected);
    expect(semver.validRange(range)).not.toBeNull();
    for (const v of VERSIONS) {
      expect(semver.satisfies(v, range), `${v} in ${range}`)
        .toBe(ranges.every((r) => semver.satisfies(v, r)));
    }
  });

  it('refuses ranges that combine into too many alternatives', () => {
    const wide = Array.from({ length: 9 }, (_, i) => `>=${i + 1}.0.0`).join(' || ');
    expect(() => intersection('deplib', [wide, `${wide} || >=10.0.0`])).toThrow(
      expect.objectContaining({ code: 'closure_conflict' }));
  });
});

describe('a range with a blank alternative', () => {
  it.each(['deplib@^1 ||', 'deplib@|| ^1'])(
    'refuses %j on the command line and in requires_packs, not reads it as *', async (spec) => {
      expect(() => splitSpec(spec)).toThrow(/empty alternative beside `\|\|`/);
      const graph: Graph = { needa: { '1.0.0': { requires: [spec] } }, deplib: DEPLIB };
      await expect(resolveClosure(['needa@1.0.0'], source(graph)))
        .rejects.toMatchObject({ code: 'semver_invalid' });
    });
});

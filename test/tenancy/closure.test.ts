/** requires_packs resolution: semver picks, yanked versions skipped, conflicts and cycles named. */
import { describe, expect, it } from 'vitest';
import { resolveClosure, type ClosureSource } from '../../packs/closure/resolve.js';

type Graph = Record<string, Record<string, { requires?: string[]; yanked?: boolean }>>;

function source(graph: Graph): ClosureSource {
  return {
    versions: async (id) => Object.entries(graph[id] ?? {}).map(([version, v]) =>
      ({ version, yanked: v.yanked ?? false })),
    requires: async (id, version) => graph[id]?.[version]?.requires ?? [],
  };
}

const GRAPH: Graph = {
  app: { '1.0.0': { requires: ['lib@^1.0.0', 'util'] } },
  lib: { '1.0.0': {}, '1.2.0': { requires: ['util@~2.1.0'] }, '1.3.0': { yanked: true },
    '2.0.0': {} },
  util: { '2.0.0': {}, '2.1.0': {}, '2.1.5': {}, '3.0.0': {} },
};

describe('requires_packs closure', () => {
  it('locks every needed pack at the highest unyanked version all ranges allow', async () => {
    const closure = await resolveClosure(['app'], source(GRAPH));
    expect(closure.map((e) => [e.id, e.version, e.range])).toEqual([
      ['app', '1.0.0', '*'], ['lib', '1.2.0', '^1.0.0'], ['util', '2.1.5', '* ~2.1.0'],
    ]);
    expect(closure.find((e) => e.id === 'lib')!.chain).toEqual(['app@1.0.0']);
  });

  it('names both chains of a conflict', async () => {
    const graph: Graph = { ...GRAPH, app: { '1.0.0': { requires: ['lib@^1.2.0', 'util@^3'] } } };
    await expect(resolveClosure(['app'], source(graph))).rejects.toMatchObject({
      code: 'closure_conflict',
      message: 'no unyanked version of util satisfies every range asked of it (app@1.0.0 → ' +
        'util@^3; app@1.0.0 → lib@1.2.0 → util@~2.1.0); have 2.0.0, 2.1.0, 2.1.5, 3.0.0',
    });
  });

  it('names the cycle', async () => {
    const graph: Graph = { a: { '1.0.0': { requires: ['b'] } }, b: { '1.0.0': { requires:
      ['c@1'] } }, c: { '1.0.0': { requires: ['a@^1'] } } };
    await expect(resolveClosure(['a'], source(graph))).rejects.toMatchObject({
      code: 'closure_cycle', message: 'requires_packs form a cycle: a → b → c → a',
    });
  });

  it('never picks a yanked version for a range', async () => {
    const closure = await resolveClosure(['lib@>=1.3.0 <2'], source(GRAPH)).catch((e) => e);
    expect(closure).toMatchObject({ code: 'closure_conflict' });
    expect((await resolveClosure(['lib@^1'], source(GRAPH)))[0]!.version).toBe('1.2.0');
  });
});

/** The search for workflows that start themselves through subworkflow steps. */
import { describe, expect, it } from 'vitest';
import { subworkflowCycle } from '../../packs/workflow/graph.js';
import type { Workflow } from '../../packs/workflow/types.js';

const calling = (id: string, ...children: string[]): Workflow => ({ id, steps: Object.fromEntries(
  children.map((child, i) => [`s${i}`, { id: `s${i}`, type: 'subworkflow', workflow: child }])) });

describe('subworkflowCycle', () => {
  it('names the chain back to a workflow already on it', () => {
    const map = new Map([calling('a', 'b'), calling('b', 'c'), calling('c', 'a', 'd'),
      calling('d')].map((w) => [w.id, w]));
    expect(subworkflowCycle('a', map)).toEqual(['a', 'b', 'c', 'a']);
    expect(subworkflowCycle('d', map)).toBeUndefined();
  });

  it('explores each workflow once: 60 levels each calling the next twice', () => {
    // Walking every path would take 2^60 steps; a crafted pack could stall a publish so.
    const chain = Array.from({ length: 60 }, (_, i) =>
      (i < 59 ? calling(`w${i}`, `w${i + 1}`, `w${i + 1}`) : calling(`w${i}`)));
    const map = new Map(chain.map((w) => [w.id, w]));
    // (Walking every path would never finish within the test's time limit.)
    expect(subworkflowCycle('w0', map)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { LoadedPack } from '../../packs/load.js';
import type { Workflow } from '../../packs/workflow/types.js';
import { layoutWorkflow, NODE_H, GAP_Y, PAD } from
  '../../registry/marketplace/render/workflow-layout.js';
import { workflowSvg } from '../../registry/marketplace/render/workflow-svg.js';
import {
  MAX_DRAWN_STEPS, workflowsSection,
} from '../../registry/marketplace/render/workflows.js';

const wf: Workflow = {
  id: 'p.flow',
  name: 'Flow',
  steps: {
    fetch: { id: 'fetch', type: 'worker', topic: 'job.p.fetch', on_error: 'alert',
      retry: { max_retries: 3 } },
    review: { id: 'review', type: 'approval', depends_on: ['fetch'] },
    each: { id: 'each', type: 'worker', topic: 'job.p.apply', depends_on: ['review'],
      for_each: '${steps.fetch.output.items}', max_parallel: 4, condition: '${input.go}' },
    route: { id: 'route', type: 'switch', depends_on: ['fetch'],
      cases: [{ when: 'big', next: 'each' }, { when: 'small', next: 'fetch' }] },
    alert: { id: 'alert', type: 'notify' },
  },
};

describe('workflow graph', () => {
  it('puts each step one layer below the deepest step it depends on', () => {
    const layout = layoutWorkflow(wf);
    const layer = Object.fromEntries(layout.nodes.map((n) => [n.id, n.layer]));
    // `alert` depends on nothing, but only fetch's error path leads to it: it sits below fetch.
    expect(layer).toEqual({ fetch: 0, alert: 1, review: 1, route: 1, each: 2 });
    const each = layout.nodes.find((n) => n.id === 'each')!;
    expect(each.y).toBe(PAD + 2 * (NODE_H + GAP_Y));
  });

  it('finds dependency, error, branch and back edges', () => {
    const edges = layoutWorkflow(wf).edges.map((e) => `${e.from}>${e.to}:${e.kind}:${e.label ??
      ''}:${e.back}`);
    expect(edges.sort()).toEqual([
      'fetch>alert:error:on error:false',
      'fetch>review:depends::false',
      'fetch>route:depends::false',
      'review>each:depends:if ${input.go}:false',
      'route>each:branch:big:false',
      'route>fetch:branch:small:true',
    ]);
  });

  it('draws every step and edge, with approvals, loops and decisions visible', () => {
    const svg = workflowSvg(wf, 'wf0', new Map([['fetch', 'allow'], ['each', 'deny']])).value;
    expect(svg.match(/<g class="wf-node /g)).toHaveLength(5);
    expect(svg.match(/<g class="wf-edge /g)).toHaveLength(6);
    expect(svg).toContain('<g class="wf-node wf-type-approval" data-step="review">');
    expect(svg).toContain('<g class="wf-node wf-type-worker wf-decision-deny" data-step="each">');
    expect(svg).toContain('class="wf-loop"');
    expect(svg).toContain('marker-end="url(#wf0-arrow-error)"');
    expect(svg).toContain('human approval');
    expect(svg).toMatch(/<desc id="wf0-desc">5 steps: .*fetch → alert \(on error\)/);
    expect(svg).toContain('retry ×3');
  });

  it('escapes step text from the pack', () => {
    const hostile: Workflow = { id: 'x', steps: { a: { id: 'a', type: 'worker',
      name: '<script>alert(1)</script>', topic: 'job.x."><svg onload=1>' } } };
    const svg = workflowSvg(hostile, 'w', new Map()).value;
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<svg onload');
    expect(svg).toContain('&lt;script&gt;');
  });

  it('terminates on a dependency cycle (which validation refuses anyway)', () => {
    const loop: Workflow = { id: 'c', steps: { a: { id: 'a', type: 'worker', depends_on: ['b'] },
      b: { id: 'b', type: 'worker', depends_on: ['a'] } } };
    expect(layoutWorkflow(loop).nodes).toHaveLength(2);
  });

  // Laying out grows faster than the graph (seconds), on the thread that answers every
  // request: such a workflow is listed, not drawn.
  it.each([
    ['1,000 steps of 50 links each', 1000, 50],
    ['a chain of 20,000 steps', 20_000, 1],
  ])('lists %s in the table without drawing them', (_name, count, links) => {
    const steps: Workflow['steps'] = {};
    for (let i = 0; i < count; i++) {
      const depends = Array.from({ length: Math.min(i, links) }, (_, j) => `s${i - 1 - j}`);
      steps[`s${i}`] = { id: `s${i}`, type: 'notify', depends_on: depends };
    }
    const big: Workflow = { id: 'p.big', steps };
    const pack: LoadedPack = { manifest: { apiVersion: 'cordum.io/v1alpha1', kind: 'Pack',
      metadata: { id: 'p', version: '1.0.0' } }, workflows: [big], fragments: [],
      schemas: new Map() };
    const started = performance.now();

    const out = workflowsSection(pack, { hash: 'sha256:0', rules: [], packs: [] }).value;

    expect(performance.now() - started).toBeLessThan(2000);
    expect(out).not.toContain('<svg');
    expect(out.replace(/\s+/g, ' ')).toContain(
      `too many to draw (the most drawn: ${MAX_DRAWN_STEPS} steps`);
    expect(out).toContain(`<code>s${count - 1}</code>`);
  }, 60_000);
});

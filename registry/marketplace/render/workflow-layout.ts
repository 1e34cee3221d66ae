/**
 * Lays a workflow's steps out as a layered graph: a step sits one layer
 * below the deepest step it depends on; within a layer, steps follow their
 * parents (a barycentre pass) so edges cross less. Besides `depends_on`
 * edges it finds error paths (`on_error`), branch jumps (`then`, `else`,
 * `next`, `default` and `cases[].next|step|goto`, when they name a step),
 * conditions, loops and approvals, so the drawing can show each.
 */
import type { Step, Workflow } from '../../../packs/workflow/types.js';

export const NODE_W = 200;
export const NODE_H = 64;
export const GAP_X = 36;
export const GAP_Y = 60;
export const PAD = 24;

export type EdgeKind = 'depends' | 'error' | 'branch';

export interface LaidNode {
  id: string;
  step: Step;
  layer: number;
  x: number;
  y: number;
}

export interface LaidEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  label?: string;
  /** The target sits at or above the source: drawn around the side. */
  back: boolean;
}

export interface Layout {
  nodes: LaidNode[];
  edges: LaidEdge[];
  width: number;
  height: number;
}

function layersOf(wf: Workflow, ids: string[]): Map<string, number> {
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    // A cycle cannot pass validation; guard anyway so a bad pack cannot hang a page.
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const deps = (wf.steps[id]?.depends_on ?? []).filter((d) => d in wf.steps);
    const value = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(depth));
    visiting.delete(id);
    layer.set(id, value);
    return value;
  };
  for (const id of ids) depth(id);
  return layer;
}

const JUMP_FIELDS = ['then', 'else', 'next', 'default'] as const;

function jumpEdges(id: string, step: Step, known: Set<string>): Omit<LaidEdge, 'back'>[] {
  const out: Omit<LaidEdge, 'back'>[] = [];
  for (const field of JUMP_FIELDS) {
    const target = step[field];
    if (typeof target === 'string' && known.has(target)) {
      out.push({ from: id, to: target, kind: 'branch', label: field });
    }
  }
  const cases = step.cases;
  if (Array.isArray(cases)) {
    for (const c of cases) {
      if (!c || typeof c !== 'object') continue;
      const rec = c as Record<string, unknown>;
      const target = [rec.next, rec.step, rec.goto].find((t) => typeof t === 'string');
      const when = rec.when ?? rec.condition ?? rec.value;
      if (typeof target === 'string' && known.has(target)) {
        out.push({ from: id, to: target, kind: 'branch',
          label: when === undefined ? 'case' : String(when) });
      }
    }
  }
  return out;
}

function edgesOf(wf: Workflow, ids: string[]): Omit<LaidEdge, 'back'>[] {
  const known = new Set(ids);
  const edges: Omit<LaidEdge, 'back'>[] = [];
  for (const id of ids) {
    const step = wf.steps[id]!;
    for (const dep of step.depends_on ?? []) {
      if (!known.has(dep)) continue;
      const edge: Omit<LaidEdge, 'back'> = { from: dep, to: id, kind: 'depends' };
      if (step.condition !== undefined && step.condition !== true) {
        edge.label = `if ${String(step.condition)}`;
      }
      edges.push(edge);
    }
    if (step.on_error && known.has(step.on_error)) {
      edges.push({ from: id, to: step.on_error, kind: 'error', label: 'on error' });
    }
    edges.push(...jumpEdges(id, step, known));
  }
  return edges;
}

/** Orders each layer by the mean position of its parents in the layer above. */
function orderLayers(rows: string[][], edges: Omit<LaidEdge, 'back'>[]): void {
  const position = new Map<string, number>();
  rows[0]?.forEach((id, i) => position.set(id, i));
  for (let l = 1; l < rows.length; l++) {
    const row = rows[l]!;
    const weight = (id: string, fallback: number) => {
      const parents = edges.filter((e) => e.to === id && e.kind === 'depends')
        .map((e) => position.get(e.from)).filter((p): p is number => p !== undefined);
      return parents.length ? parents.reduce((a, b) => a + b, 0) / parents.length : fallback;
    };
    const weights = new Map(row.map((id, i) => [id, weight(id, i)]));
    row.sort((a, b) => weights.get(a)! - weights.get(b)!);
    row.forEach((id, i) => position.set(id, i));
  }
}

export function layoutWorkflow(wf: Workflow): Layout {
  const ids = Object.keys(wf.steps);
  const layers = layersOf(wf, ids);
  const rows: string[][] = [];
  for (const id of ids) (rows[layers.get(id)!] ??= []).push(id);
  const plain = edgesOf(wf, ids);
  orderLayers(rows, plain);

  const widest = Math.max(1, ...rows.map((r) => r.length));
  const inner = widest * NODE_W + (widest - 1) * GAP_X;
  const nodes: LaidNode[] = [];
  rows.forEach((row, layer) => {
    const rowWidth = row.length * NODE_W + (row.length - 1) * GAP_X;
    const left = PAD + (inner - rowWidth) / 2;
    row.forEach((id, i) => nodes.push({ id, step: wf.steps[id]!, layer,
      x: left + i * (NODE_W + GAP_X), y: PAD + layer * (NODE_H + GAP_Y) }));
  });
  const edges = plain.map((e) => ({ ...e, back: layers.get(e.to)! <= layers.get(e.from)! }));
  // Back edges run down the right side; leave room for them.
  const side = edges.some((e) => e.back) ? 48 : 0;
  return {
    nodes,
    edges,
    width: PAD * 2 + inner + side,
    height: PAD * 2 + rows.length * NODE_H + Math.max(0, rows.length - 1) * GAP_Y,
  };
}

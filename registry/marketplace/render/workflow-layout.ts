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

/** True when step `later` depends on `earlier`, directly or through other steps. */
function runsAfter(wf: Workflow, later: string, earlier: string): boolean {
  const seen = new Set<string>();
  const stack = [...(wf.steps[later]?.depends_on ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (next === earlier) return true;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(wf.steps[next]?.depends_on ?? []));
  }
  return false;
}

/**
 * What a step is placed below: its `depends_on`, or, for a step with none
 * that only an error path or a branch leads to, the steps that lead there
 * (so an error handler sits under the step that fails, not beside it).
 */
function placedBelow(wf: Workflow, ids: string[], edges: Omit<LaidEdge, 'back'>[]) {
  const below = new Map<string, string[]>();
  for (const id of ids) {
    const deps = (wf.steps[id]?.depends_on ?? []).filter((d) => d in wf.steps);
    // A jump back to a step that the source itself runs after stays a back edge.
    const from = edges.filter((e) => e.to === id && e.kind !== 'depends' && e.from !== id &&
      !runsAfter(wf, e.from, id)).map((e) => e.from);
    below.set(id, deps.length > 0 ? deps : [...new Set(from)]);
  }
  return below;
}

function layersOf(ids: string[], below: Map<string, string[]>): Map<string, number> {
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    // A cycle (of jumps; validation refuses one of depends_on) is cut where it closes.
    if (visiting.has(id)) return -1;
    visiting.add(id);
    const deps = below.get(id) ?? [];
    const value = deps.length === 0 ? 0 : 1 + Math.max(-1, ...deps.map(depth));
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
      const parents = edges.filter((e) => e.to === id)
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
  const plain = edgesOf(wf, ids);
  const layers = layersOf(ids, placedBelow(wf, ids, plain));
  const rows: string[][] = [];
  for (const id of ids) (rows[layers.get(id)!] ??= []).push(id);
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

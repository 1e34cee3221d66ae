/**
 * Orders steps by `depends_on`. Ties keep the order the workflow file
 * declares, so the same workflow always runs its steps in the same order.
 * Also finds a workflow that starts itself through subworkflow steps.
 */
import type { Workflow } from './types.js';

export type OrderResult = { ok: true; order: string[] } | { ok: false; cycle: string[] };

/**
 * `deps` maps every node to the nodes it depends on (all known). Ready nodes
 * wait in a heap keyed by file position, so each pick is the first ready one
 * in the file without rescanning every node: O((n + e) log n).
 */
export function topologicalOrder(
  nodes: string[],
  deps: ReadonlyMap<string, string[]>,
): OrderResult {
  const position = new Map(nodes.map((n, i) => [n, i]));
  const waiting = nodes.map((n) => new Set(deps.get(n) ?? []).size);
  const dependents: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    for (const dep of new Set(deps.get(n) ?? [])) dependents[position.get(dep)!]!.push(i);
  });
  const ready = new MinHeap();
  waiting.forEach((count, i) => {
    if (count === 0) ready.push(i);
  });

  const order: string[] = [];
  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    order.push(nodes[next]!);
    for (const after of dependents[next]!) {
      waiting[after]!--;
      if (waiting[after] === 0) ready.push(after);
    }
  }
  if (order.length === nodes.length) return { ok: true, order };
  const done = new Set(order);
  return { ok: false, cycle: findCycle(nodes.filter((n) => !done.has(n)), deps) };
}

/** One cycle among `nodes` (each of which is on or leads to a cycle), as a -> b -> a. */
function findCycle(nodes: string[], deps: ReadonlyMap<string, string[]>): string[] {
  const start = nodes[0]!;
  const among = new Set(nodes);
  const path: string[] = [];
  const onPath = new Map<string, number>();
  let current = start;
  // Every remaining node has a remaining dependency, so this walk must loop.
  for (let steps = 0; steps <= nodes.length; steps++) {
    const seenAt = onPath.get(current);
    if (seenAt !== undefined) return [...path.slice(seenAt), current];
    onPath.set(current, path.length);
    path.push(current);
    current = (deps.get(current) ?? []).find((d) => among.has(d)) ?? start;
  }
  return [...path, path[0]!];
}

/** A binary min-heap of node positions. */
class MinHeap {
  private readonly items: number[] = [];

  push(value: number): void {
    const items = this.items;
    let i = items.push(value) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= value) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = value;
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (let child = 1; child < items.length; child = 2 * i + 1) {
      if (child + 1 < items.length && items[child + 1]! < items[child]!) child++;
      if (items[child]! >= last) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/** How many `other`s one pass of dependsOn settles: 32 words of bits per component. */
const BATCH = 1024;

/**
 * For each `[node, other]` pair, whether `node` depends on `other`, directly
 * or through others (a node on a cycle depends on itself). Upstream sets of a
 * chain hold O(n^2) names in all, so none is built: a direct dependency
 * answers at once, and the rest are settled together, 1,024 `other`s at a
 * time, by one pass over the graph's strongly connected components that
 * carries a bit per `other`. Work: O(e) plus O((n + e) * others / 32).
 */
export function dependsOn(
  pairs: readonly (readonly [string, string])[],
  nodes: string[],
  deps: ReadonlyMap<string, string[]>,
): boolean[] {
  const direct = new Map<string, Set<string>>();
  const directly = (node: string, other: string) => {
    let set = direct.get(node);
    if (!set) direct.set(node, (set = new Set(deps.get(node) ?? [])));
    return set.has(other);
  };
  const answers = pairs.map(([node, other]) => directly(node, other));
  const position = new Map(nodes.map((n, i) => [n, i]));
  const open = pairs.flatMap(([node, other], i) =>
    answers[i] || !position.has(node) || !position.has(other) ? [] : [i]);
  if (open.length === 0) return answers;

  const graph = componentsOf(nodes, deps, position);
  const others = [...new Set(open.map((i) => position.get(pairs[i]![1])!))];
  for (let from = 0; from < others.length; from += BATCH) {
    const batch = others.slice(from, from + BATCH);
    const bits = new Map(batch.map((node, bit) => [node, bit]));
    const upstream = upstreamBits(graph, bits, Math.ceil(batch.length / 32));
    for (const i of open) {
      const bit = bits.get(position.get(pairs[i]![1])!);
      if (bit !== undefined) answers[i] = upstream(position.get(pairs[i]![0])!, bit);
    }
  }
  return answers;
}

interface Components {
  /** The component of each node. */
  of: Int32Array;
  /** Nodes grouped by component; a component comes after those it depends on. */
  members: number[][];
  /** Components on a cycle: more than one node, or a node that depends on itself. */
  cyclic: boolean[];
  /** Dependencies of each node, as positions. */
  edges: number[][];
}

/** Tarjan's algorithm, with an explicit stack so a 100,000-step chain fits. */
function componentsOf(
  nodes: string[],
  deps: ReadonlyMap<string, string[]>,
  position: ReadonlyMap<string, number>,
): Components {
  const edges = nodes.map((n) => (deps.get(n) ?? []).flatMap((d) => position.get(d) ?? []));
  const index = new Int32Array(nodes.length).fill(-1);
  const low = new Int32Array(nodes.length);
  const of = new Int32Array(nodes.length).fill(-1);
  const members: number[][] = [];
  const cyclic: boolean[] = [];
  const stack: number[] = [];
  let counter = 0;
  for (let root = 0; root < nodes.length; root++) {
    if (index[root] !== -1) continue;
    const calls: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    while (calls.length > 0) {
      const call = calls[calls.length - 1]!;
      const [v, next] = call;
      const w = edges[v]![next];
      if (w !== undefined) {
        call[1]++;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          calls.push([w, 0]);
        } else if (of[w] === -1) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      calls.pop();
      const caller = calls[calls.length - 1];
      if (caller) low[caller[0]] = Math.min(low[caller[0]], low[v]);
      if (low[v] !== index[v]) continue;
      const group: number[] = [];
      for (let member = stack.pop()!; ; member = stack.pop()!) {
        of[member] = members.length;
        group.push(member);
        if (member === v) break;
      }
      cyclic.push(group.length > 1 || edges[v]!.includes(v));
      members.push(group);
    }
  }
  return { of, members, cyclic, edges };
}

/**
 * For the `others` in `bits` (position -> bit), which each node depends on:
 * words of bits per component, filled in dependency order.
 */
function upstreamBits(graph: Components, bits: ReadonlyMap<number, number>, words: number) {
  const { of, members, cyclic, edges } = graph;
  const sets = new Uint32Array(members.length * words);
  const mark = (c: number, node: number) => {
    const bit = bits.get(node);
    if (bit !== undefined) sets[c * words + (bit >> 5)] |= 1 << (bit & 31);
  };
  members.forEach((group, c) => {
    if (cyclic[c]) for (const node of group) mark(c, node);
    for (const node of group) {
      for (const dep of edges[node]!) {
        const d = of[dep];
        if (d === c) continue;
        mark(c, dep);
        for (let k = 0; k < words; k++) sets[c * words + k] |= sets[d * words + k];
      }
    }
  });
  return (node: number, bit: number) =>
    (sets[of[node] * words + (bit >> 5)] & (1 << (bit & 31))) !== 0;
}

/**
 * A chain of subworkflow steps from `start` back to a workflow already on it,
 * if any. Each workflow is explored once (`done` may be shared across calls),
 * so a crafted pack of workflows that each call the next twice costs linear
 * time, not time doubling with each level.
 */
export function subworkflowCycle(start: string, workflows: ReadonlyMap<string, Workflow>,
  done: Set<string> = new Set()): string[] | undefined {
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (id: string): string[] | undefined => {
    if (onPath.has(id)) return [...path.slice(path.indexOf(id)), id];
    if (done.has(id)) return undefined;
    const workflow = workflows.get(id);
    if (!workflow) return undefined;
    path.push(id);
    onPath.add(id);
    for (const step of Object.values(workflow.steps)) {
      const child = step.type === 'subworkflow' ? step.workflow : undefined;
      if (typeof child !== 'string') continue;
      const found = visit(child);
      if (found) return found;
    }
    path.pop();
    onPath.delete(id);
    done.add(id);
    return undefined;
  };
  return visit(start);
}

/**
 * What is wrong with the workflows `workflow`'s subworkflow steps start, as
 * one message: one that no installed pack provides, or one that starts
 * `workflow` again through subworkflow steps (each run would start another
 * of itself, without end). Undefined when nothing is.
 */
export function subworkflowProblem(workflow: Workflow,
  workflows: ReadonlyMap<string, Workflow>): string | undefined {
  for (const [id, step] of Object.entries(workflow.steps)) {
    const child = step.type === 'subworkflow' ? step.workflow : undefined;
    if (typeof child !== 'string' || workflows.has(child)) continue;
    const known = [...workflows.keys()].sort().join(', ');
    return `workflow "${workflow.id}": subworkflow step "${id}" starts workflow "${child}", ` +
      `which no installed pack provides (installed: ${known})`;
  }
  const cycle = subworkflowCycle(workflow.id, workflows);
  return cycle && `workflow "${workflow.id}" starts itself through subworkflow steps: ` +
    cycle.join(' -> ');
}

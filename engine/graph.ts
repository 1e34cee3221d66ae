/**
 * Orders steps by `depends_on`. Ties keep the order the workflow file
 * declares, so the same workflow always runs its steps in the same order.
 * Also finds a workflow that starts itself through subworkflow steps.
 */
import type { Workflow } from '../packs/workflow/types.js';

export type OrderResult = { ok: true; order: string[] } | { ok: false; cycle: string[] };

/** `deps` maps every node to the nodes it depends on (all known). */
export function topologicalOrder(
  nodes: string[],
  deps: ReadonlyMap<string, string[]>,
): OrderResult {
  const remaining = new Map(nodes.map((n) => [n, new Set(deps.get(n) ?? [])]));
  const order: string[] = [];
  while (remaining.size > 0) {
    const ready = nodes.find((n) => remaining.get(n)?.size === 0);
    if (ready === undefined) return { ok: false, cycle: findCycle([...remaining.keys()], deps) };
    remaining.delete(ready);
    order.push(ready);
    for (const pending of remaining.values()) pending.delete(ready);
  }
  return { ok: true, order };
}

/** Every node that `node` depends on, directly or through others. */
export function upstreamOf(node: string, deps: ReadonlyMap<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [...(deps.get(node) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(deps.get(next) ?? []));
  }
  return seen;
}

/** One cycle among `nodes` (each of which is on or leads to a cycle), as a -> b -> a. */
function findCycle(nodes: string[], deps: ReadonlyMap<string, string[]>): string[] {
  const start = nodes[0]!;
  const path: string[] = [];
  const onPath = new Map<string, number>();
  let current = start;
  // Every remaining node has a remaining dependency, so this walk must loop.
  for (let steps = 0; steps <= nodes.length; steps++) {
    const seenAt = onPath.get(current);
    if (seenAt !== undefined) return [...path.slice(seenAt), current];
    onPath.set(current, path.length);
    path.push(current);
    current = (deps.get(current) ?? []).find((d) => nodes.includes(d)) ?? start;
  }
  return [...path, path[0]!];
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

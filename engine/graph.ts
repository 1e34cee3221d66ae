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

/** A chain of subworkflow steps from `start` back to a workflow already on it, if any. */
export function subworkflowCycle(start: string, workflows: ReadonlyMap<string, Workflow>,
  path: string[] = []): string[] | undefined {
  if (path.includes(start)) return [...path.slice(path.indexOf(start)), start];
  const workflow = workflows.get(start);
  if (!workflow) return undefined;
  for (const step of Object.values(workflow.steps)) {
    const child = step.type === 'subworkflow' ? step.workflow : undefined;
    if (typeof child !== 'string') continue;
    const found = subworkflowCycle(child, workflows, [...path, start]);
    if (found) return found;
  }
  return undefined;
}


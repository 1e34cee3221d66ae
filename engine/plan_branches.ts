/**
 * Which steps run on which branch, and where failures go. A `condition`
 * step may list `then` and `else` steps, a `switch` step lists steps per
 * case under `cases` and `default`: a listed step runs only when its
 * branch is taken and is skipped otherwise. `on_error: <step>` routes a
 * failure to a step that runs only when that happens.
 */
import { pointerToken } from '../packs/documents.js';
import type { Issue } from '../packs/errors.js';
import type { Workflow } from '../packs/workflow/types.js';
import { dependsOn, topologicalOrder } from '../packs/workflow/graph.js';
import type { StepPlan } from './plan.js';
import type { BranchGate } from './plan_types.js';

/** For each `on_error` target, the steps whose failure routes to it. */
export function planRoutes(workflow: Workflow, file: string, issues: Issue[]) {
  const routes = new Map<string, string[]>();
  for (const [id, step] of Object.entries(workflow.steps)) {
    const target = step.on_error;
    if (target === undefined) continue;
    const path = `/steps/${pointerToken(id)}/on_error`;
    if (typeof target !== 'string' || !(target in workflow.steps) || target === id) {
      const message = `on_error must name another step of the workflow, not "${String(target)}"`;
      issues.push({ file, path, message, rule: 'on_error' });
      continue;
    }
    // Appended in place: copying the list for each step routing here is O(n^2).
    const from = routes.get(target);
    if (from) from.push(id);
    else routes.set(target, [id]);
  }
  return routes;
}

/**
 * A step that `on_error` names waits for a step routing to it to fail, so a route to a
 * step that the routing step waits for (itself routing back, or a dependency) can never
 * run: both would wait for good. Such a cycle is refused, naming the route.
 */
export function routeCycles(
  ids: string[],
  deps: ReadonlyMap<string, string[]>,
  routes: ReadonlyMap<string, string[]>,
  file: string,
): Issue[] {
  const waits = new Map(ids.map((id) =>
    [id, [...(deps.get(id) ?? []), ...(routes.get(id) ?? [])]]));
  const ordered = topologicalOrder(ids, waits);
  if (ordered.ok) return [];

  // The cycle has a route in it (depends_on alone has none): name its routing step.
  const cycle = ordered.cycle.slice(0, -1);
  const at = cycle.findIndex((id, i) =>
    routes.get(id)?.includes(cycle[(i + 1) % cycle.length]!));
  const target = cycle[at]!;
  const router = cycle[(at + 1) % cycle.length]!;
  const round = [...cycle.slice(at), ...cycle.slice(0, at), target];
  return [{
    file,
    path: `/steps/${pointerToken(router)}/on_error`,
    message: `on_error of "${router}" names "${target}", which waits for "${router}" to ` +
      `fail: ${round.join(' -> ')}; neither could ever run`,
    rule: 'on_error_cycle',
  }];
}

/** Sets `branch` on the steps that `condition` and `switch` steps list. */
export function planBranches(
  steps: StepPlan[],
  deps: ReadonlyMap<string, string[]>,
  file: string,
  issues: Issue[],
): void {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const branches = steps.flatMap((controller) =>
    branchesOf(controller).map(([label, field, ids]) => ({ controller, label, field, ids })),
  );
  const gateOf = (controller: StepPlan, label: string, field: string): BranchGate => {
    if (controller.type !== 'switch') return { by: controller.id, label };
    const cases = controller.switch?.labels ?? [];
    return field === 'default'
      ? { by: controller.id, label, cases, fallback: true }
      : { by: controller.id, label, cases };
  };
  // Whether each listed step is downstream of its controller, asked of the graph at once.
  const pairs = branches.flatMap(({ controller, ids }) =>
    ids.map((target) => [target, controller.id] as const),
  );
  const downstream = dependsOn(pairs, [...deps.keys()], deps);

  let asked = 0;
  for (const { controller, label, field, ids } of branches) {
    for (const [i, target] of ids.entries()) {
      const path = `/steps/${pointerToken(controller.id)}/${field}/${i}`;
      const add = (message: string, rule: string) => issues.push({ file, path, message, rule });
      const plan = byId.get(target);
      const below = downstream[asked++];
      if (!plan) add(`branch names unknown step "${target}"`, 'branch_unknown_step');
      else if (!below) {
        add(`step "${target}" must depend on "${controller.id}"`, 'branch_not_downstream');
      } else if (plan.branch) add(`step "${target}" is on two branches`, 'branch_twice');
      else plan.branch = gateOf(controller, label, field);
    }
  }
}

/**
 * The case of a switch that `value` takes: the label equal to it as text (`0` for the
 * number 0, `null` for null), or for null a case with an empty label, which YAML makes of
 * a bare `null:` key. Undefined when no case is taken: then the `default` list runs.
 */
export function caseOf(value: unknown, labels: readonly string[]): string | undefined {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return labels.find((label) => label === text) ??
    (value === null || value === undefined ? labels.find((label) => label === '') : undefined);
}

/** [label, field path, step ids] of each branch a step declares. */
function branchesOf(plan: StepPlan): [string, string, string[]][] {
  const { step } = plan;
  if (plan.type === 'condition') {
    return [
      ['then', 'then', idList(step.then)],
      ['else', 'else', idList(step.else)],
    ];
  }
  if (plan.type !== 'switch') return [];
  const cases = (step.cases ?? {}) as Record<string, unknown>;
  const out: [string, string, string[]][] = Object.entries(cases).map(([label, ids]) => [
    label,
    `cases/${pointerToken(label)}`,
    idList(ids),
  ]);
  out.push(['default', 'default', idList(step.default)]);
  return out;
}

function idList(value: unknown): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.map(String) : [];
}

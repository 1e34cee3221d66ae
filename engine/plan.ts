/**
 * Load-time checks of a workflow, before any run starts: step types this
 * engine runs, `depends_on` naming known steps with no cycle, templates and
 * conditions that parse and read only the input and upstream steps, and
 * schema ids the packs provide. The result is the order steps run in.
 */
import { pointerToken } from '../packs/documents.js';
import type { Issue } from '../packs/errors.js';
import type { Step, StepType, Workflow } from '../packs/workflow/types.js';
import { parseCondition } from './conditions.js';
import { EngineError, isEngineError } from './errors.js';
import type { Expr } from './expression_parser.js';
import { pathsOf } from './expression_parser.js';
import { compileTemplate, expressionsOf, type Template } from './expressions.js';
import { dependsOn, topologicalOrder } from '../packs/workflow/graph.js';
import { planBranches, planRoutes, routeCycles } from './plan_branches.js';
import { planExtras, type FieldExpr } from './plan_extras.js';
import { jobStepOf } from './plan_jobs.js';
import { loopBodyOf } from './plan_loop.js';
import {
  SUPPORTED_STEP_TYPES,
  type BranchGate,
  type DelayPlan,
  type HttpPlan,
  type LoopPlan,
  type SupportedStepType,
  type SwitchPlan,
} from './plan_types.js';

export { SUPPORTED_STEP_TYPES, type SupportedStepType } from './plan_types.js';

export interface StepPlan {
  id: string;
  step: Step;
  type: SupportedStepType;
  dependsOn: string[];
  /** For `condition` steps the expression they evaluate; for others, the gate. */
  condition?: Expr;
  input: Template;
  /** A `for_each` step: the list its children run over. */
  forEach?: Template;
  /** Children of a `for_each` running at once. */
  maxParallel: number;
  /** Set when the step runs on one branch of a `condition` or `switch` step only. */
  branch?: BranchGate;
  /** Steps whose failure routes here (`on_error`); such a step runs only then. */
  routedFrom: string[];
  switch?: SwitchPlan;
  loop?: LoopPlan;
  http?: HttpPlan;
  delay?: DelayPlan;
  /** A job step's `meta.idempotency_key`, rendered for each job (items read `item`). */
  idempotencyKey?: Template;
}

export interface WorkflowPlan {
  workflow: Workflow;
  /** The owning pack: `<pack_id>` of the `<pack_id>.<name>` workflow id. */
  packId: string;
  steps: StepPlan[];
}

/** The schema ids installed packs provide: a map or set of them, or any test of an id. */
export interface SchemaIds {
  has(id: string): boolean;
}

/**
 * Every schema id, for planning a run only to end it (a cancel, a
 * rejection), which checks no data: it works once the run's pack is gone.
 */
export const ANY_SCHEMA: SchemaIds = { has: () => true };

/** Checks a workflow and orders its steps; throws with every issue found. */
export function planWorkflow(
  workflow: Workflow,
  schemas: SchemaIds,
): WorkflowPlan {
  const file = workflow.file ?? workflow.id;
  const issues: Issue[] = [];
  const ids = Object.keys(workflow.steps);
  const deps = new Map<string, string[]>();
  for (const id of ids) deps.set(id, dependencies(workflow, id, file, issues));

  const ordered = topologicalOrder(ids, deps);
  if (!ordered.ok) {
    issues.push({
      file,
      path: `/steps/${pointerToken(ordered.cycle[0]!)}/depends_on`,
      message: `depends_on forms a cycle: ${ordered.cycle.join(' -> ')}`,
      rule: 'workflow_cycle',
    });
  }
  issues.push(...childIdClashes(workflow, file));
  const packId = workflow.id.split('.')[0] ?? workflow.id;
  const routes = planRoutes(workflow, file, issues);
  if (ordered.ok) issues.push(...routeCycles(ids, deps, routes, file));
  const reads: Read[] = [];
  const where: Where = { file, issues, known: new Set(ids), routes, packId, reads };
  const steps: StepPlan[] = [];
  for (const id of ordered.ok ? ordered.order : ids) {
    const plan = planStep(workflow.steps[id]!, id, deps, schemas, where);
    if (plan) steps.push(plan);
  }
  const found = withoutUpstreamReads(issues, reads, ids, deps);
  planBranches(steps, deps, file, found);
  if (found.length > 0) throw planError(workflow, found);
  return { workflow, packId, steps };
}

/**
 * Step ids spelled as a child of another step: the items of a `for_each`
 * and the iterations of a `loop` are steps of the run named `<step>[<i>]`,
 * so a step written `each[0]` would share its record with the first item.
 */
function childIdClashes(workflow: Workflow, file: string): Issue[] {
  const clashes: Issue[] = [];
  for (const id of Object.keys(workflow.steps)) {
    const child = /^(.+)\[(\d+)\]$/.exec(id);
    const parent = child ? workflow.steps[child[1]!] : undefined;
    if (!parent || (parent.for_each === undefined && parent.type !== 'loop')) continue;
    const kind = parent.type === 'loop' ? 'iteration of the loop' : 'item of the for_each';
    clashes.push({ file, path: `/steps/${pointerToken(id)}`, rule: 'step_id_reserved',
      message: `step id "${id}" names ${kind} step "${child![1]}" (its children are ` +
        `<step>[<index>]); rename the step` });
  }
  return clashes;
}

/**
 * A read of a step that is not a direct dependency, with the issue it makes
 * unless the step is upstream through others. The issue is filed when the
 * read is seen, so issues keep their order, and withdrawn here once the
 * graph answers all such reads in one pass: asking per step walked each
 * step's whole upstream, O(n^2) on a long chain.
 */
interface Read {
  step: string;
  reads: string;
  issue: Issue;
}

function withoutUpstreamReads(
  issues: Issue[],
  reads: Read[],
  ids: string[],
  deps: ReadonlyMap<string, string[]>,
): Issue[] {
  if (reads.length === 0) return issues;
  const upstream = dependsOn(reads.map((r) => [r.step, r.reads] as const), ids, deps);
  const withdrawn = new Set(reads.filter((_, i) => upstream[i]).map((r) => r.issue));
  return issues.filter((i) => !withdrawn.has(i));
}

interface Where {
  file: string;
  issues: Issue[];
  known: ReadonlySet<string>;
  /** For each `on_error` target, the steps that route to it. */
  routes: ReadonlyMap<string, string[]>;
  /** The owning pack, for the default topic of `llm`, `container` and `script` steps. */
  packId: string;
  /** Reads settled once every step is planned (see Read). */
  reads: Read[];
  /** Set while planning a loop's body: issues go under `/steps/<loop>/body`. */
  inBody?: boolean;
}

function dependencies(workflow: Workflow, id: string, file: string, issues: Issue[]): string[] {
  const list = workflow.steps[id]!.depends_on ?? [];
  const known = list.filter((dep) => dep in workflow.steps);
  for (const dep of list) {
    if (dep in workflow.steps) continue;
    issues.push({
      file,
      path: `/steps/${pointerToken(id)}/depends_on`,
      message: `step "${id}" depends on unknown step "${dep}"`,
      rule: 'workflow_unknown_dependency',
    });
  }
  return known;
}

/** Records a problem with one field of the step being planned. */
type StepIssue = (field: string, message: string, rule: string) => Issue;

function planStep(
  written: Step,
  id: string,
  deps: ReadonlyMap<string, string[]>,
  schemas: SchemaIds,
  where: Where,
): StepPlan | undefined {
  const base = `/steps/${pointerToken(id)}${where.inBody ? '/body' : ''}`;
  const at = (field: string) => `${base}${field ? `/${field}` : ''}`;
  const issue = (field: string, message: string, rule: string) => {
    const found: Issue = { file: where.file, path: at(field), message, rule };
    where.issues.push(found);
    return found;
  };

  const type = written.type as StepType;
  if (!(SUPPORTED_STEP_TYPES as readonly string[]).includes(type)) {
    issue('type', `step type "${type}" is not a Cordum step type`, 'step_type_unsupported');
    return undefined;
  }
  const step = jobStepOf(written, type as SupportedStepType, where.packId);
  checkFields(step, type, schemas, issue);

  const routedFrom = where.inBody ? [] : (where.routes.get(id) ?? []);
  const cond = type === 'loop' ? undefined : step.condition;
  const condition = compile(
    () => (cond === undefined ? undefined : parseCondition(cond)),
    'condition',
    issue,
  );
  const input = compile(() => compileTemplate(step.input ?? {}), 'input', issue);
  const extras = planExtras(step, type as SupportedStepType, issue, (build, field) =>
    compile(build, field, issue),
  );
  const direct = new Set([...(deps.get(id) ?? []), ...routedFrom]);
  const inputExprs = input ? expressionsOf(input) : [];
  const exprs = [...inputExprs.map((expr) => ({ field: 'input', expr })), ...extras.exprs];
  checkReferences({ id, type, direct, condition, exprs, forEach: !!extras.forEach }, where,
    issue);

  const { exprs: _exprs, ...compiled } = extras;
  const plan: StepPlan = {
    id,
    step,
    type: type as SupportedStepType,
    dependsOn: deps.get(id) ?? [],
    input: input ?? { kind: 'constant', value: {} },
    routedFrom,
    ...compiled,
  };
  if (condition) plan.condition = condition;
  const body = type === 'loop' ? loopBodyOf(step, id, issue) : undefined;
  if (body && plan.loop) {
    const inner = planStep(body, id, deps, schemas, { ...where, inBody: true });
    if (inner) plan.loop.body = inner;
  }
  return plan;
}

/** What a step of its type must have, and schemas it names that no installed pack provides. */
function checkFields(step: Step, type: StepType, schemas: SchemaIds,
  issue: StepIssue): void {
  if (type === 'worker' && !step.topic) issue('topic', 'a worker step needs a topic', 'topic');
  if (type === 'condition' && step.condition === undefined) {
    issue('condition', 'a condition step needs a condition', 'condition');
  }
  for (const field of ['input_schema_id', 'output_schema_id'] as const) {
    const schemaId = step[field];
    if (schemaId !== undefined && !schemas.has(schemaId)) {
      issue(field, `no installed pack provides schema "${schemaId}"`, 'schema_unknown');
    }
  }
}

/**
 * Checks what the step's condition and other expressions read: only roots
 * its kind of step has, and only steps it depends on (or is routed from).
 * A for_each step's condition gates the whole step, once: it has no item to read.
 */
function checkReferences(
  of: { id: string; type: StepType; direct: Set<string>; condition: Expr | undefined;
    exprs: FieldExpr[]; forEach: boolean },
  where: Where,
  issue: StepIssue,
): void {
  const roots = new Set(['input', 'steps', 'run']);
  if (of.type === 'loop' || where.inBody) roots.add('loop');
  for (const path of of.condition ? pathsOf(of.condition) : []) {
    if (of.forEach && (path[0] === 'item' || path[0] === 'index')) {
      issue('condition', `the condition of a for_each step is checked once, for the whole ` +
        `step, so it cannot read "${String(path[0])}"`, 'expression_root');
    } else {
      checkReference(path, 'condition', of, roots, where, issue);
    }
  }
  if (of.forEach) ['item', 'index'].forEach((r) => roots.add(r));
  for (const { field, expr } of of.exprs) {
    for (const path of pathsOf(expr)) checkReference(path, field, of, roots, where, issue);
  }
}

function compile<T>(
  build: () => T,
  field: string,
  issue: (field: string, message: string, rule: string) => void,
): T | undefined {
  try {
    return build();
  } catch (err) {
    // Template errors say where inside the field they sit.
    const inner = isEngineError(err) ? err.details : {};
    const path = typeof inner.path === 'string' ? inner.path : '';
    const reason =
      typeof inner.reason === 'string'
        ? inner.reason
        : err instanceof Error
          ? err.message
          : String(err);
    issue(`${field}${path}`, reason, 'expression_invalid');
    return undefined;
  }
}

/**
 * A path must start at `input`, `steps.<upstream id>`, `run` or a root the step adds.
 * `direct` holds the step's dependencies and the steps routing to it; a read of
 * any other known step is upstream only through others, settled later (Read).
 */
function checkReference(
  path: (string | number)[],
  field: string,
  { id, direct }: { id: string; direct: ReadonlySet<string> },
  roots: ReadonlySet<string>,
  where: Where,
  issue: StepIssue,
) {
  const [root, stepId] = path;
  if (root !== 'steps' && roots.has(String(root))) return;
  if (root !== 'steps') {
    issue(
      field,
      `expression reads "${String(root)}": paths start at ${[...roots].join(', ')}`,
      'expression_root',
    );
  } else if (typeof stepId !== 'string' || !where.known.has(stepId)) {
    issue(field, `expression reads unknown step "${String(stepId)}"`,
      'expression_unknown_step');
  } else if (!direct.has(stepId)) {
    const found = issue(
      field,
      `expression reads step "${stepId}", which "${id}" does not depend on: ` +
        `add it to depends_on`,
      'expression_not_upstream',
    );
    where.reads.push({ step: id, reads: stepId, issue: found });
  }
}

function planError(workflow: Workflow, issues: Issue[]): EngineError {
  const unsupported = issues.find((i) => i.rule === 'step_type_unsupported');
  if (unsupported) {
    // The path's step token, read back from its JSON pointer spelling.
    const stepId = unsupported.path.split('/')[2]?.replaceAll('~1', '/').replaceAll('~0', '~');
    const type = workflow.steps[stepId ?? '']?.type;
    return new EngineError(
      'step_type_unsupported',
      `workflow "${workflow.id}": step "${stepId}" has type "${type}", which is not a ` +
        `step type of the Cordum format (types: ${SUPPORTED_STEP_TYPES.join(', ')})`,
      { issues, details: { workflow_id: workflow.id, step_id: stepId, type } },
    );
  }
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new EngineError(
    'workflow_invalid',
    `workflow "${workflow.id}": ${first.path}: ${first.message}${more}`,
    { issues, details: { workflow_id: workflow.id } },
  );
}

/** Checks of a workflow beyond its JSON Schema: references and cycles. */
import { pointerToken } from '../documents.js';
import type { Issue } from '../errors.js';
import type { Workflow } from '../workflow/types.js';

export function workflowIssues(wf: Workflow, file: string, schemaIds: Set<string>): Issue[] {
  const issues: Issue[] = [];
  const add = (path: string, message: string, rule: string) =>
    issues.push({ file, path, message, rule });
  const ids = new Set(Object.keys(wf.steps));

  for (const [key, step] of Object.entries(wf.steps)) {
    const at = `/steps/${pointerToken(key)}`;
    if (step.id !== undefined && step.id !== key) {
      add(`${at}/id`, `step id "${step.id}" differs from its key "${key}"`, 'step_id');
    }
    if (step.type === 'worker' && !step.topic) {
      add(`${at}/topic`, 'a worker step needs a topic', 'step_topic');
    }
    (step.depends_on ?? []).forEach((dep, i) => {
      if (!ids.has(dep)) add(`${at}/depends_on/${i}`, `unknown step "${dep}"`, 'step_ref');
    });
    if (step.on_error !== undefined && !ids.has(step.on_error)) {
      add(`${at}/on_error`, `unknown step "${step.on_error}"`, 'step_ref');
    }
    for (const field of ['input_schema_id', 'output_schema_id'] as const) {
      const ref = step[field];
      if (ref !== undefined && !schemaIds.has(ref)) {
        add(`${at}/${field}`, `schema "${ref}" is not among the pack's resources.schemas`,
          'schema_ref');
      }
    }
    for (const bad of unclosedExpressions(step.input, `${at}/input`)) {
      add(bad, 'has an unclosed ${...} expression', 'expression');
    }
  }
  const cycle = findCycle(wf);
  if (cycle) add('/steps', `steps depend on each other in a cycle: ${cycle.join(' -> ')}`, 'cycle');
  return issues;
}

function unclosedExpressions(value: unknown, path: string): string[] {
  if (typeof value === 'string') {
    const opens = value.split('${').length - 1;
    const closed = (value.match(/\$\{[^}]*\}/g) ?? []).length;
    return opens > closed ? [path] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => unclosedExpressions(v, `${path}/${i}`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => unclosedExpressions(v, `${path}/${k}`));
  }
  return [];
}

/** Returns one cycle of `depends_on` edges, or undefined. */
export function findCycle(wf: Workflow): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of wf.steps[id]?.depends_on ?? []) {
      if (!(dep in wf.steps)) continue;
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of Object.keys(wf.steps)) {
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}

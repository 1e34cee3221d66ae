/**
 * Load-time checks and compiled forms of the fields that only some step
 * types read: branches of `condition` and `switch`, `loop`, `http`,
 * `delay`, `subworkflow`, the literal parts of a `storage` input, and
 * `for_each` on any step that does one thing.
 */
import type { Step } from '../packs/workflow/types.js';
import { parseCondition } from './conditions.js';
import { DATE_TIME_FORM, LATEST_TIME_MS, parseDateTime } from './date_time.js';
import type { Expr } from './expression_parser.js';
import { compileTemplate, expressionsOf, type Template } from './expressions.js';
import {
  DEFAULT_LOOP_ITERATIONS,
  FOR_EACH_TYPES,
  MAX_LOOP_ITERATIONS,
  type DelayPlan,
  type HttpPlan,
  type LoopPlan,
  type SupportedStepType,
  type SwitchPlan,
} from './plan_types.js';
import { writtenStorageIssues } from './storage_request.js';

export type IssueAt = (field: string, message: string, rule: string) => void;
export type Compile = <T>(build: () => T, field: string) => T | undefined;

export interface Extras {
  forEach?: Template;
  maxParallel: number;
  switch?: SwitchPlan;
  loop?: LoopPlan;
  http?: HttpPlan;
  delay?: DelayPlan;
  idempotencyKey?: Template;
  /** Every expression the fields hold, by field, for the checks of what they read. */
  exprs: FieldExpr[];
}

/** An expression and the field of the step that holds it (`for_each`, `while`...). */
export interface FieldExpr {
  field: string;
  expr: Expr;
}

const inField = (field: string, exprs: Expr[]): FieldExpr[] =>
  exprs.map((expr) => ({ field, expr }));

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];

export function planExtras(
  step: Step,
  type: SupportedStepType,
  issue: IssueAt,
  compile: Compile,
): Extras {
  const extras: Extras = { maxParallel: positive(step.max_parallel) ?? 1, exprs: [] };
  if (step.max_parallel !== undefined && positive(step.max_parallel) === undefined) {
    // Taken as 1 it would quietly run a for_each one item at a time.
    issue('max_parallel', 'max_parallel is a whole number of at least 1', 'for_each');
  }
  if (step.for_each !== undefined) planForEach(step, type, extras, issue, compile);
  if (type === 'switch') planSwitch(step, extras, issue, compile);
  if (type === 'loop') planLoop(step, extras, issue, compile);
  if (type === 'http') planHttp(step, extras, issue, compile);
  planDelay(step, type, extras, issue, compile);
  planIdempotencyKey(step, extras, issue, compile);
  if (type === 'storage') {
    for (const i of writtenStorageIssues(step.input)) {
      issue(i.field ? `input/${i.field}` : 'input', i.message, 'storage');
    }
  }
  if (type === 'subworkflow' && (typeof step.workflow !== 'string' || !step.workflow)) {
    issue('workflow', 'a subworkflow step needs "workflow": the id of a workflow', 'workflow');
  } else if (type === 'subworkflow' && String(step.workflow).includes('${')) {
    issue('workflow', `"workflow" names the workflow to start as written; "${step.workflow}" ` +
      'would not be rendered', 'workflow');
  }
  return extras;
}

function planForEach(step: Step, type: SupportedStepType, out: Extras, issue: IssueAt, c: Compile) {
  if (!FOR_EACH_TYPES.includes(type)) {
    issue('for_each', `for_each works on ${FOR_EACH_TYPES.join(', ')} steps`, 'for_each');
    return;
  }
  const items = c(() => compileTemplate(step.for_each), 'for_each');
  if (!items) return;
  if (items.kind === 'interpolate' || (items.kind === 'constant' && !Array.isArray(items.value))) {
    issue('for_each', 'for_each must be a list or one ${...} that yields a list', 'for_each');
    return;
  }
  out.forEach = items;
  out.exprs.push(...inField('for_each', expressionsOf(items)));
}

function planSwitch(step: Step, out: Extras, issue: IssueAt, c: Compile) {
  const cases = step.cases;
  if (typeof step.value !== 'string') {
    issue('value', 'a switch step needs "value": an expression to switch on', 'switch');
  }
  if (cases === null || typeof cases !== 'object' || Array.isArray(cases)) {
    issue('cases', 'a switch step needs "cases": a map from value to step ids', 'switch');
    return;
  }
  const source = step.value;
  const value =
    typeof source === 'string' ? c(() => parseCondition(source), 'value') : undefined;
  if (!value) return;
  out.switch = { value, labels: Object.keys(cases) };
  out.exprs.push({ field: 'value', expr: value });
}

function planLoop(step: Step, out: Extras, issue: IssueAt, c: Compile) {
  const cond = step.while ?? step.condition;
  if (typeof cond !== 'string' && typeof cond !== 'boolean') {
    issue('while', 'a loop step needs "while": a condition checked before each iteration', 'loop');
    return;
  }
  const max = positive(step.max_iterations) ?? DEFAULT_LOOP_ITERATIONS;
  if (step.max_iterations !== undefined && positive(step.max_iterations) === undefined) {
    // 0, -1 or 2.5 would quietly become the default of DEFAULT_LOOP_ITERATIONS.
    issue('max_iterations', `max_iterations is a whole number from 1 to ${MAX_LOOP_ITERATIONS}`,
      'loop');
  } else if (max > MAX_LOOP_ITERATIONS) {
    issue('max_iterations', `max_iterations is at most ${MAX_LOOP_ITERATIONS}`, 'loop');
  }
  const condition = c(() => parseCondition(cond), 'while');
  if (!condition) return;
  out.loop = { condition, maxIterations: Math.min(max, MAX_LOOP_ITERATIONS) };
  out.exprs.push({ field: 'while', expr: condition });
}

function planHttp(step: Step, out: Extras, issue: IssueAt, c: Compile) {
  if (typeof step.url !== 'string' || !step.url) {
    issue('url', 'an http step needs "url"', 'http');
    return;
  }
  const method = typeof step.method === 'string' ? step.method.toUpperCase() : 'POST';
  if (!HTTP_METHODS.includes(method)) {
    issue('method', `method must be one of ${HTTP_METHODS.join(', ')}`, 'http');
  }
  const headers: Record<string, string> = {};
  if (step.headers !== undefined) {
    const raw = step.headers;
    const ok = raw !== null && typeof raw === 'object' && !Array.isArray(raw);
    if (!ok || Object.values(raw as object).some((v) => typeof v !== 'string')) {
      issue('headers', 'headers must map names to strings', 'http');
    } else {
      Object.assign(headers, raw);
    }
  }
  const url = c(() => compileTemplate(step.url), 'url');
  if (!url) return;
  out.http = { url, method, headers };
  out.exprs.push(...inField('url', expressionsOf(url)));
}

/**
 * `meta.idempotency_key` as a template: a key written `order-${input.id}`
 * names the operation, and an item of a `for_each` renders its own (`item`).
 */
function planIdempotencyKey(step: Step, out: Extras, issue: IssueAt, c: Compile) {
  const key = step.meta?.idempotency_key;
  if (key === undefined) return;
  if (typeof key !== 'string' || key === '') {
    issue('meta/idempotency_key', 'meta.idempotency_key must be a non-empty string ' +
      '(it may hold ${...})', 'meta');
    return;
  }
  const template = c(() => compileTemplate(key), 'meta/idempotency_key');
  if (!template) return;
  out.idempotencyKey = template;
  out.exprs.push(...inField('meta/idempotency_key', expressionsOf(template)));
}

function planDelay(step: Step, type: SupportedStepType, out: Extras, issue: IssueAt, c: Compile) {
  const { delay_sec: sec, delay_until: until } = step;
  if (sec === undefined && until === undefined) {
    if (type === 'delay') {
      issue('delay_sec', 'a delay step needs delay_sec or delay_until', 'delay');
    }
    return;
  }
  if (sec !== undefined && until !== undefined) {
    // One would quietly win over the other.
    issue('delay_until', 'give delay_sec or delay_until, not both', 'delay');
  }
  const delay: DelayPlan = {};
  if (sec !== undefined) {
    if (typeof sec !== 'number' || !(sec >= 0)) {
      issue('delay_sec', 'delay_sec must be a number of seconds, 0 or more', 'delay');
    } else if (Date.now() + sec * 1000 > LATEST_TIME_MS) {
      issue('delay_sec', `delay_sec of step "${step.id}" would wake after ` +
        '9999-12-31T23:59:59Z, the last time a delay may wake at', 'delay');
    } else {
      delay.sec = sec;
    }
  }
  if (until !== undefined) {
    const template =
      typeof until === 'string' ? c(() => compileTemplate(until), 'delay_until') : undefined;
    if (typeof until !== 'string') {
      issue('delay_until', `delay_until must be ${DATE_TIME_FORM}`, 'delay');
    }
    // A `${...}` is checked once rendered (steps/delay.ts), with the same parser.
    if (template?.kind === 'constant' && parseDateTime(String(template.value)) === undefined) {
      issue('delay_until', `delay_until "${until}" of step "${step.id}" is not ` +
        `${DATE_TIME_FORM}`, 'delay');
    }
    if (template) {
      delay.until = template;
      out.exprs.push(...inField('delay_until', expressionsOf(template)));
    }
  }
  out.delay = delay;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

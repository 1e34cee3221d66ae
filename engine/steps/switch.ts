/**
 * A switch step evaluates `value` and picks the case whose label equals
 * it (as text), else `default`. Its output is `{ value, case }`; steps it
 * lists under the other cases are skipped (see `branchSkip`). A missing
 * value is `null`, as everywhere in expressions, so a `null` case takes it
 * (or, failing one, a case with an empty label, which YAML makes of `null:`).
 */
import { evaluate } from '../conditions.js';
import { caseOf } from '../plan_branches.js';
import type { StepExecutor } from './context.js';

export const runSwitch: StepExecutor = async (ctx) => {
  // The plan guarantees a switch step has a value and cases.
  const { value: expr, labels } = ctx.plan.switch!;
  const value = evaluate(expr, ctx.scope) ?? null;
  const chosen = caseOf(value, labels) ?? 'default';
  await ctx.event({ type: 'branch', message: `case ${chosen}`, details: { value } });
  return { status: 'succeeded', output: { value, case: chosen } };
};

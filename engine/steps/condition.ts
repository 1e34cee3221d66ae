/** A condition step evaluates its `condition`; its output is the boolean. */
import { conditionHolds } from '../conditions.js';
import type { StepExecutor } from './context.js';

export const runCondition: StepExecutor = async (ctx) => {
  // The plan guarantees a condition step has one.
  const output = conditionHolds(ctx.plan.condition!, ctx.scope);
  return { status: 'succeeded', output };
};

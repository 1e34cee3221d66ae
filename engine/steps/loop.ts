/**
 * A loop step renders its `input` again and again while `while` holds,
 * at most `max_iterations` times. Each iteration reads `loop.index` and
 * `loop.output` (the previous iteration's value). Its output is
 * `{ iterations, output, outputs }` (the last value, and every one in order),
 * as a loop with a `body` answers. A loop that would go past its bound fails, so
 * a workflow cannot spin. A loop with a `body` runs that step per iteration
 * instead (loop_body.ts): a worker body sends real jobs.
 */
import { conditionHolds } from '../conditions.js';
import { renderTemplate } from '../expressions.js';
import type { StepExecutor } from './context.js';
import { runLoopBody } from './loop_body.js';

export const runLoop: StepExecutor = async (ctx) => {
  if (ctx.plan.loop!.body) return runLoopBody(ctx);
  const { condition, maxIterations } = ctx.plan.loop!;
  let output: unknown = null;
  const outputs: unknown[] = [];
  for (let index = 0; index <= maxIterations; index++) {
    const scope = { ...ctx.scope, loop: { index, output } };
    if (!conditionHolds(condition, scope)) {
      return { status: 'succeeded', output: { iterations: index, output, outputs } };
    }
    if (index === maxIterations) break;
    if (ctx.signal.aborted) throw ctx.signal.reason;
    output = renderTemplate(ctx.plan.input, scope);
    outputs.push(output);
  }
  return {
    status: 'failed',
    error: {
      code: 'loop_limit',
      message: `loop "${ctx.plan.id}" still held after max_iterations (${maxIterations})`,
      details: { output },
    },
  };
};

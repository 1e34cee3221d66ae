/**
 * A parallel step joins branches: the steps it depends on run at once
 * (bounded by the engine's concurrency), and its output maps each of them
 * to its output once all have succeeded.
 */
import type { StepExecutor } from './context.js';

export const runParallel: StepExecutor = async (ctx) => {
  const steps = ctx.scope.steps as Record<string, { output?: unknown }>;
  const output: Record<string, unknown> = {};
  for (const id of ctx.plan.dependsOn) output[id] = steps[id]?.output ?? null;
  return { status: 'succeeded', output };
};

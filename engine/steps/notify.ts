/**
 * A notify step sends its rendered input as a message: to the engine's
 * notifier when one is wired, and always to the run's timeline.
 */
import { renderTemplate } from '../expressions.js';
import type { StepExecutor } from './context.js';

export const runNotify: StepExecutor = async (ctx) => {
  const payload = renderTemplate(ctx.plan.input, ctx.scope);
  await ctx.update({ input: payload });
  await ctx.services.notifier?.notify({ run_id: ctx.run.id, step_id: ctx.plan.id, payload });
  const message = (payload as { message?: unknown } | null)?.message;
  await ctx.event({
    type: 'notify',
    message: typeof message === 'string' ? message : JSON.stringify(payload),
    details: { payload },
  });
  return { status: 'succeeded', output: payload };
};

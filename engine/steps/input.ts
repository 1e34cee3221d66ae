/**
 * An input step waits for data given through the API or `cordum engine
 * input RUN STEP --data JSON` (see `Engine.giveInput`), the way an approval
 * waits for a person. Its rendered input is the prompt; its output is the
 * data, checked against `output_schema_id` when it is given.
 */
import { renderTemplate } from '../expressions.js';
import type { StepExecutor } from './context.js';
import { pastDeadline, waitUntilDeadline } from './wait_deadline.js';

export const runInput: StepExecutor = async (ctx) => {
  const late = pastDeadline(ctx);
  if (late) return late;
  const prompt = renderTemplate(ctx.plan.input, ctx.scope);
  await ctx.update({ input: prompt });
  await ctx.event({
    type: 'input_requested',
    status: 'waiting',
    message: ctx.plan.step.name ?? `input for ${ctx.plan.id}`,
  });
  return waitUntilDeadline(ctx);
};

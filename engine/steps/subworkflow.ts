/**
 * A subworkflow step starts a run of another installed workflow with its
 * rendered input and waits for it. The child's id is stored on the step
 * before the child starts, so a resumed parent waits for the same child.
 * Its output is `{ run_id, status, outputs }` with each child step's output.
 */
import { renderTemplate } from '../expressions.js';
import type { StepExecutor } from './context.js';

export const runSubworkflow: StepExecutor = async (ctx) => {
  const subworkflows = ctx.services.subworkflows;
  if (!subworkflows) throw new Error('this engine cannot start subworkflows');
  let childId = ctx.record.job?.job_id;
  if (childId === undefined) {
    const input = renderTemplate(ctx.plan.input, ctx.scope);
    await ctx.update({ input });
    childId = await subworkflows.create(String(ctx.plan.step.workflow), input, ctx.run.id);
    await ctx.update({
      job: { job_id: childId, idempotency_key: childId, handler: 'subworkflow', constraints: {} },
    });
    await ctx.event({ type: 'subworkflow_started', message: `child run ${childId}` });
  }
  const child = await subworkflows.drive(childId);
  const outputs: Record<string, unknown> = {};
  for (const step of child.steps) {
    if (step.parent_id === undefined) outputs[step.step_id] = step.output ?? null;
  }
  const output = { run_id: childId, status: child.run.status, outputs };
  if (child.run.status === 'succeeded') return { status: 'succeeded', output };
  return {
    status: 'failed',
    error: {
      code: 'subworkflow_failed',
      message:
        `child run ${childId} of "${String(ctx.plan.step.workflow)}" ` +
        `ended ${child.run.status}` +
        (child.run.error ? `: ${child.run.error.message}` : ''),
      details: output,
    },
  };
};

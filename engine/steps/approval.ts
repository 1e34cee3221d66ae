/**
 * An approval step waits for a person. Its rendered input is what they are
 * asked to approve; once approved its output says who and with what note.
 * A rejection fails the step (the engine records it; see `Engine.reject`).
 */
import { renderTemplate } from '../expressions.js';
import type { ApprovalRecord } from '../records.js';
import type { StepExecutor } from './context.js';
import { pastDeadline, waitUntilDeadline } from './wait_deadline.js';

/**
 * What an approved step answers: always the same four keys (docs/engine.md),
 * null for what the approver did not give, so a later step reads
 * `steps.ask.output.approved_by` the same way whoever approved. An empty
 * name names nobody.
 */
function approvedOutput(approval: ApprovalRecord): Record<string, unknown> {
  return {
    approved: true,
    approved_by: approval.decided_by || null,
    approved_at: approval.decided_at ?? null,
    note: approval.note ?? null,
  };
}

export const runApproval: StepExecutor = async (ctx) => {
  const { approval } = ctx;
  if (approval?.status === 'approved') {
    return { status: 'succeeded', output: approvedOutput(approval) };
  }
  const late = pastDeadline(ctx);
  if (late) {
    await ctx.services.store.decideApproval(ctx.run.id, ctx.plan.id, { status: 'cancelled' });
    return late;
  }
  // Woken before its deadline (a restart): still waiting, already asked.
  if (approval?.status === 'pending') return waitUntilDeadline(ctx);
  const input = renderTemplate(ctx.plan.input, ctx.scope);
  await ctx.update({ input });
  const reason = ctx.plan.step.name ?? `approval step ${ctx.plan.id}`;
  await ctx.services.store.requestApproval(ctx.run.id, ctx.plan.id, { reason });
  await ctx.event({ type: 'approval_requested', status: 'waiting', message: reason });
  return waitUntilDeadline(ctx);
};

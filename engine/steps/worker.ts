/**
 * A worker step: its input is rendered and checked against its schema, the
 * policy decides, and an allowed job goes to the handler of its topic. A
 * `require_approval` decision parks the step in `waiting`; once approved it
 * resumes here and dispatches with the input and decision it had.
 */
import { decide } from '../../packs/policy/evaluate.js';
import type { DecisionResult } from '../../packs/policy/types.js';
import { renderTemplate } from '../expressions.js';
import { policyRequestFor } from '../policy_request.js';
import { decisionDetails } from '../store_rows.js';
import type { DecisionRecord } from '../records.js';
import { describeIssues } from '../schemas.js';
import type { StepContext, StepExecutor, StepOutcome } from './context.js';
import { dispatchJob, missingHandler } from './dispatch.js';
import { decideUnthrottled } from './throttle.js';

export const runWorker: StepExecutor = async (ctx) => {
  const { step } = ctx.plan;
  if (ctx.approval?.status === 'approved') {
    return dispatchJob(ctx, ctx.record.input, ctx.record.decision);
  }

  const input = renderTemplate(ctx.plan.input, ctx.scope);
  await ctx.update({ input });
  const issues = ctx.services.schemas.check(step.input_schema_id, input);
  if (issues.length > 0) {
    const message = describeIssues(`input of step "${step.id}"`, step.input_schema_id!, issues);
    return { status: 'failed', error: { code: 'input_invalid', message, issues } };
  }

  const decided = await decideUnthrottled(ctx, () => decideStep(ctx));
  if ('status' in decided) return decided;
  const decision = decided;
  const refused = refusal(decision, step.topic!);
  if (refused) return refused;
  if (!ctx.services.handlers.find(step.topic!)) return missingHandler(step.topic!);
  if (decision.decision === 'require_approval') {
    const why: { rule_id?: string; reason?: string } = {};
    if (decision.rule_id !== undefined) why.rule_id = decision.rule_id;
    if (decision.reason !== undefined) why.reason = decision.reason;
    await ctx.services.store.requestApproval(ctx.run.id, step.id, why);
    await ctx.event({
      type: 'approval_requested',
      status: 'waiting',
      message: decision.reason ?? 'the policy requires approval',
      details: why,
    });
    return { status: 'waiting' };
  }
  return dispatchJob(ctx, input, decision);
};

async function decideStep(ctx: StepContext): Promise<DecisionRecord> {
  const { services, run, plan } = ctx;
  const request = policyRequestFor(plan.step, {
    packId: ctx.packId,
    tenantId: run.tenant_id,
    topics: services.topics,
  });
  const result: DecisionResult & { snapshotVersion?: number } =
    services.decide?.(request) ?? decide(services.snapshot, request);
  const record: DecisionRecord = {
    decision: result.decision,
    snapshot_hash: result.snapshotHash,
    decided_at: services.store.now(),
    request,
  };
  if (result.snapshotVersion !== undefined) record.snapshot_version = result.snapshotVersion;
  if (result.ruleId !== undefined) record.rule_id = result.ruleId;
  if (result.reason !== undefined) record.reason = result.reason;
  if (result.constraints !== undefined) record.constraints = result.constraints;
  if (result.remediations !== undefined) record.remediations = result.remediations;
  await ctx.update({ decision: record });
  services.hooks?.decided(run, plan.id, record);
  const rule = record.rule_id ? ` by rule ${record.rule_id}` : ' (no rule matched)';
  await ctx.event({
    type: 'decision',
    message: `${record.decision}${rule}`,
    details: decisionDetails(record, run.snapshot_hash),
  });
  return record;
}

/** `deny` ends the step (`throttle` holds it back: see throttle.ts). */
function refusal(decision: DecisionRecord, topic: string): StepOutcome | undefined {
  if (decision.decision !== 'deny') return undefined;
  const by = decision.rule_id ? `rule ${decision.rule_id}` : 'the policy';
  const reason = decision.reason ? `: ${decision.reason}` : '';
  const error: StepOutcome & { status: 'failed' } = {
    status: 'failed',
    error: { code: 'policy_denied', message: `${by} denied ${topic}${reason}` },
  };
  if (decision.rule_id !== undefined) error.error.rule_id = decision.rule_id;
  if (decision.remediations !== undefined) {
    error.error.details = { remediations: decision.remediations };
  }
  return error;
}

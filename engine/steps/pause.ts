/**
 * What the `--step` debugger shows before a step: its input as it renders
 * now and, for a job step (worker, llm, container, script), the decision
 * the policy would give. Reading these changes nothing; the step then runs
 * as it would have.
 */
import { decide } from '../../packs/policy/evaluate.js';
import { renderTemplate } from '../expressions.js';
import { isJobStep } from '../plan_types.js';
import { policyRequestFor } from '../policy_request.js';
import type { StepContext, StepPause } from './context.js';

export function pauseOf(ctx: StepContext): StepPause {
  // A `for_each` parent sends no job of its own: what it shows is its items, and each item
  // pauses again as a step of its own, with its input and decision.
  if (ctx.plan.forEach !== undefined) {
    return { run_id: ctx.run.id, step_id: ctx.plan.id, type: ctx.plan.type,
      input: undefined, for_each: renderItems(ctx) };
  }
  const pause: StepPause = {
    run_id: ctx.run.id,
    step_id: ctx.plan.id,
    type: ctx.plan.type,
    input: renderOrError(ctx),
  };
  if (isJobStep(ctx.plan.type)) {
    const request = policyRequestFor(ctx.plan.step, {
      packId: ctx.packId,
      tenantId: ctx.run.tenant_id,
      topics: ctx.services.topics,
    });
    const result = decide(ctx.services.snapshot, request);
    pause.decision = { decision: result.decision };
    if (result.ruleId !== undefined) pause.decision.rule_id = result.ruleId;
    if (result.reason !== undefined) pause.decision.reason = result.reason;
  }
  return pause;
}

function renderItems(ctx: StepContext): unknown {
  try {
    return renderTemplate(ctx.plan.forEach!, ctx.scope);
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function renderOrError(ctx: StepContext): unknown {
  try {
    return renderTemplate(ctx.plan.input, ctx.scope);
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

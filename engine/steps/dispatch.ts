/**
 * Sends a worker step's job to its handler, retrying failed attempts with
 * backoff, and checks the answer against the step's output schema.
 */
import type { Constraints } from '../../packs/policy/types.js';
import { EngineError, toStepError, type StepError } from '../errors.js';
import { renderTemplate } from '../expressions.js';
import type { Job, JobHandler } from '../handlers/types.js';
import type { DecisionRecord } from '../records.js';
import { retriesAllowed } from '../retry.js';
import { describeIssues } from '../schemas.js';
import { setLongTimeout } from '../long_timer.js';
import { firstAttempt, retryAfter } from './attempts.js';
import type { StepContext, StepOutcome } from './context.js';
import { NEVER_ABORTED } from './run_stop.js';
import { stopped } from './stopped.js';

const RETRYABLE = new Set(['handler_failed', 'handler_timeout', 'handler_bad_output']);

export async function dispatchJob(
  ctx: StepContext,
  input: unknown,
  decision: DecisionRecord | undefined,
): Promise<StepOutcome> {
  const { step } = ctx.plan;
  const handler = ctx.services.handlers.find(step.topic!);
  if (!handler) return missingHandler(step.topic!);
  const constraints: Constraints =
    decision?.decision === 'allow_with_constraints' ? (decision.constraints ?? {}) : {};
  const retries = retriesAllowed(step.retry, constraints.budgets?.max_retries);

  // A step taken over from a dead process sends its last attempt again, with the same
  // idempotency key, so the worker can tell it is a repeat. The budget counts every attempt.
  const first = await firstAttempt(ctx, retries);
  if (typeof first !== 'number') return first;
  for (let attempt = first; ; attempt++) {
    const job = buildJob(ctx, input, constraints, decision, attempt);
    const sent = await sendOnce(ctx, handler, job);
    if ('status' in sent) return sent;
    const error = { ...sent, details: { ...sent.details, attempts: attempt } };
    if (!RETRYABLE.has(sent.code) || attempt > retries) return { status: 'failed', error };
    if (!(await retryAfter(ctx, error, attempt))) return stopped(ctx);
  }
}

/** The step's end when no handler serves its topic. */
export function missingHandler(topic: string): StepOutcome {
  return {
    status: 'failed',
    error: {
      code: 'handler_missing',
      message: `no handler in the deployment matches topic ${topic}: add one under spec.handlers`,
    },
  };
}

/** One attempt: recorded, sent, checked. A failure comes back as its error, to retry or not. */
async function sendOnce(
  ctx: StepContext,
  handler: JobHandler,
  job: Job,
): Promise<StepOutcome | StepError> {
  const { constraints, attempt } = job;
  await ctx.update({
    attempts: attempt,
    // A new attempt: the last one's failure is no longer the step's.
    error: undefined,
    job: {
      job_id: job.job_id,
      idempotency_key: job.idempotency_key,
      handler: handler.name,
      constraints,
    },
  });
  await ctx.event({
    type: 'job_dispatched',
    message: `attempt ${attempt} to ${handler.name}`,
    details: { job_id: job.job_id, attempt },
  });
  // A job that leaves the process is on record before it goes, so a restart resends it
  // under the same idempotency key rather than forgetting it was sent.
  if (!handler.inline) {
    await ctx.services.store.flush(ctx.run.id);
    // Stopped meanwhile (or while the debugger paused): the job does not leave.
    if (ctx.signal.aborted) return stopped(ctx);
  }
  const limit = attemptLimit(ctx, constraints);
  // An inline handler answers at once: it gets no signal of the run's (see run_stop.ts).
  const signal = limit?.signal ?? (handler.inline ? NEVER_ABORTED : ctx.signal);
  try {
    return checkOutput(ctx, await handler.handle(job, signal));
  } catch (err) {
    return ctx.signal.aborted ? stopped(ctx) : toStepError(err);
  } finally {
    limit?.clear();
  }
}

function buildJob(
  ctx: StepContext,
  input: unknown,
  constraints: Constraints,
  decision: DecisionRecord | undefined,
  attempt: number,
): Job {
  const { run, plan } = ctx;
  const request = decision?.request;
  const meta: Record<string, unknown> = { ...plan.step.meta };
  if (request?.packId !== undefined) meta.pack_id = request.packId;
  if (request?.capability !== undefined) meta.capability = request.capability;
  if (request?.riskTags !== undefined) meta.risk_tags = request.riskTags;
  if (request?.requires !== undefined) meta.requires = request.requires;
  return {
    job_id: `${run.id}:${plan.id}@${attempt}`,
    run_id: run.id,
    step_id: plan.id,
    topic: plan.step.topic!,
    input,
    meta,
    constraints,
    idempotency_key: plan.idempotencyKey
      ? String(renderTemplate(plan.idempotencyKey, ctx.scope))
      : `${run.id}:${plan.id}:${attempt}`,
    tenant_id: run.tenant_id,
    attempt,
  };
}

/**
 * One attempt may last the step's `timeout_sec`, and no longer than a
 * policy's `max_runtime_ms` budget; the run's own deadline always applies.
 */
function attemptLimit(ctx: StepContext, constraints: Constraints) {
  const limits = [
    ctx.plan.step.timeout_sec === undefined ? undefined : ctx.plan.step.timeout_sec * 1000,
    constraints.budgets?.max_runtime_ms,
  ].filter((v): v is number => v !== undefined && v > 0);
  // No limit of its own: the run's signal bounds the attempt (no controller per attempt).
  if (limits.length === 0) return undefined;
  const controller = new AbortController();
  const onRun = () => controller.abort(ctx.signal.reason);
  // A run stopped before this attempt (cancelled while the debugger paused) sends nothing.
  if (ctx.signal.aborted) controller.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onRun, { once: true });
  const ms = Math.min(...limits);
  const timer = setLongTimeout(() => {
    const message = `step "${ctx.plan.id}" did not finish within ${ms} ms`;
    controller.abort(new EngineError('handler_timeout', message));
  }, ms);
  return {
    signal: controller.signal,
    clear() {
      timer.clear();
      ctx.signal.removeEventListener('abort', onRun);
    },
  };
}

function checkOutput(ctx: StepContext, output: unknown): StepOutcome {
  const { step } = ctx.plan;
  const issues = ctx.services.schemas.check(step.output_schema_id, output);
  if (issues.length === 0) return { status: 'succeeded', output };
  const message = describeIssues(`output of step "${step.id}"`, step.output_schema_id!, issues);
  return {
    status: 'failed',
    error: { code: 'output_invalid', message, issues, details: { output } },
  };
}

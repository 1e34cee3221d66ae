/**
 * Which steps of a run can start, and what a run's status is once none
 * can. Pure functions of the plan and the stored step records.
 */
import type { StepError } from './errors.js';
import type { StepPlan, WorkflowPlan } from './plan.js';
import { caseOf } from './plan_branches.js';
import type { Status, StepRecord } from './records.js';

export type Records = ReadonlyMap<string, StepRecord>;

/** A failure nothing handles: the step failed or timed out and has no `on_error`. */
export function unhandled(plan: WorkflowPlan, records: Records): StepRecord | undefined {
  for (const step of plan.steps) {
    const r = records.get(step.id);
    if (!r || (r.status !== 'failed' && r.status !== 'timed_out')) continue;
    if (r.status === 'timed_out' || step.step.on_error === undefined) return r;
  }
  return undefined;
}

/**
 * A pending step is ready when every step it depends on succeeded; a step
 * that routes here on failure (`on_error`) counts as met by failing. A step
 * that `on_error` targets is ready once a step routing to it failed, or once
 * every one of them succeeded: then it is skipped (`routeSkip`), as a step
 * whose condition is false, and what depends on it goes on.
 */
export function isReady(step: StepPlan, records: Records): boolean {
  if (records.get(step.id)?.status !== 'pending') return false;
  const routed = step.routedFrom;
  const met = (id: string) => {
    const status = records.get(id)?.status;
    return status === 'succeeded' || (status === 'failed' && routed.includes(id));
  };
  if (!step.dependsOn.every(met)) return false;
  if (routed.length === 0) return true;
  return routed.some((id) => records.get(id)?.status === 'failed') ||
    routed.every((id) => records.get(id)?.status === 'succeeded');
}

/** Why a ready `on_error` target is skipped: no step routing to it failed. */
export function routeSkip(step: StepPlan, records: Records): string | undefined {
  const routed = step.routedFrom;
  if (routed.length === 0 || routed.some((id) => records.get(id)?.status === 'failed')) {
    return undefined;
  }
  const names = routed.map((id) => `"${id}"`).join(', ');
  return `on_error route not taken: ${names} succeeded`;
}

export function readySteps(plan: WorkflowPlan, records: Records): StepPlan[] {
  return plan.steps.filter((s) => isReady(s, records));
}

/** Why a ready step on a branch is skipped, or undefined when its branch was taken. */
export function branchSkip(step: StepPlan, records: Records): string | undefined {
  const gate = step.branch;
  if (!gate) return undefined;
  const by = records.get(gate.by);
  if (!by || by.skipped) return `"${gate.by}" was skipped`;
  const notTaken = `branch "${gate.label}" of "${gate.by}" not taken`;
  if (gate.cases) {
    // A switch: its output's `case` cannot tell a case labelled `default` from the list.
    const chosen = caseOf((by.output as { value?: unknown } | undefined)?.value, gate.cases);
    const taken = gate.fallback ? chosen === undefined : chosen === gate.label;
    return taken ? undefined : notTaken;
  }
  const taken = by.output === true ? 'then' : 'else';
  return taken === gate.label ? undefined : notTaken;
}

export interface Settled {
  status: Status;
  error?: StepError;
  /** Pending steps to close: skipped (unused on_error targets) or cancelled. */
  close: { step_id: string; as: 'skipped' | 'cancelled' }[];
}

/** The run's status once no step is ready and none is in flight. */
export function settledStatus(
  plan: WorkflowPlan,
  records: Records,
  stop: 'timed_out' | 'cancelled' | undefined,
): Settled {
  const open = [...records.values()].filter((r) => !isDone(r.status)).map((r) => r.step_id);
  const cancelAll = { close: open.map((step_id) => ({ step_id, as: 'cancelled' as const })) };
  const failed = unhandled(plan, records);
  if (failed?.status === 'failed') {
    return { status: 'failed', error: failedBy(failed), ...cancelAll };
  }
  if (failed) return { status: 'timed_out', error: failed.error!, ...cancelAll };
  if (stop === 'cancelled') {
    const error: StepError = { code: 'run_cancelled', message: 'the run was cancelled' };
    return { status: 'cancelled', error, ...cancelAll };
  }
  if (stop === 'timed_out') {
    // Named as a step in flight names it (steps/stopped.ts): the run between two steps.
    const limit = plan.workflow.timeout_sec;
    const error: StepError = { code: 'run_timed_out',
      message: `the run exceeded its workflow's timeout_sec of ${limit}` };
    return { status: 'timed_out', error, ...cancelAll };
  }
  if ([...records.values()].some((r) => r.status === 'waiting')) {
    return { status: 'waiting', close: [] };
  }

  // A failure was routed, but its on_error step can never run (it also waits for a step
  // the failure cancelled): nothing handled that failure.
  const stranded = strandedRoute(plan, records);
  if (stranded) return { status: 'failed', error: failedBy(stranded), ...cancelAll };

  // Nothing waits and nothing failed unhandled: what is left can never run.
  const close: Settled['close'] = [];
  for (const step of plan.steps) {
    if (records.get(step.id)?.status !== 'pending') continue;
    close.push({ step_id: step.id, as: step.routedFrom.length > 0 ? 'skipped' : 'cancelled' });
  }
  return { status: 'succeeded', close };
}

/** A failed step whose on_error step is still pending once nothing else can run. */
function strandedRoute(plan: WorkflowPlan, records: Records): StepRecord | undefined {
  for (const step of plan.steps) {
    if (records.get(step.id)?.status !== 'pending') continue;
    const failed = step.routedFrom.find((id) => records.get(id)?.status === 'failed');
    if (failed) return records.get(failed);
  }
  return undefined;
}

function isDone(status: Status): boolean {
  return ['succeeded', 'failed', 'cancelled', 'timed_out'].includes(status);
}

function failedBy(step: StepRecord): StepError {
  const error = step.error ?? { code: 'internal', message: 'failed' };
  return { ...error, message: `step "${step.step_id}" failed: ${error.message}` };
}

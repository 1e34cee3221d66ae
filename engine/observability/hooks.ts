/**
 * What `engine serve` tells operators about runs, steps and decisions: a
 * JSON log line when each ends (a run's at info, a step's at debug unless it
 * failed, a decision's at debug), and with tracing a span per run, per step
 * (child of its run) and per decision (child of its step). A run driven more
 * than once (it waited, then went on) gets a span per stretch. A stretch
 * advanced for an HTTP request (see run_requests.ts) names it in each line
 * and span as `request_id`, and so does a subworkflow's child run advanced
 * inside its parent's step.
 */
import { context, trace, SpanStatusCode, type Span } from '@opentelemetry/api';
import type { DecisionRecord, RunRecord } from '../records.js';
import type { EngineHooks, Notifier, StepOutcome } from '../steps/context.js';
import type { JsonLog } from './log.js';
import type { RunRequests } from './run_requests.js';
import type { EngineTracing } from './tracing.js';

const FAILED = new Set(['failed', 'timed_out', 'error']);

/** Ends a run's or a step's span with how it ended. */
function endSpan(span: Span, status: string, message?: string): void {
  span.setAttribute('cordum.status', status);
  span.setStatus(FAILED.has(status) ? { code: SpanStatusCode.ERROR, message: message ?? status }
    : { code: SpanStatusCode.OK });
  span.end();
}

export function engineHooks(options: { log: JsonLog; tracing?: EngineTracing;
  requests?: RunRequests }): EngineHooks {
  const { log, tracing, requests } = options;
  // The request first, as in every other line: `{ request_id }`, or nothing.
  const requestOf = (runId: string) => {
    const id = requests?.of(runId);
    return id === undefined ? undefined : { request_id: id };
  };
  const spanRequest = (runId: string) => {
    const id = requests?.of(runId);
    return id === undefined ? {} : { 'cordum.request_id': id };
  };
  const runSpans = new Map<string, Span>();
  const stepSpans = new Map<string, Span>();
  const under = (parent: Span | undefined) =>
    parent ? trace.setSpan(context.active(), parent) : context.active();

  return {
    run(run: RunRecord) {
      const started = performance.now();
      const request = requestOf(run.id);
      const span = tracing?.tracer.startSpan('run', { attributes: {
        ...spanRequest(run.id), 'cordum.run_id': run.id, 'cordum.workflow_id': run.workflow_id } });
      if (span) runSpans.set(run.id, span);
      return (status) => {
        const durationMs = Math.round(performance.now() - started);
        log.info(`run ${status}`, { ...request, run_id: run.id, workflow_id: run.workflow_id,
          status, duration_ms: durationMs });
        if (span) {
          endSpan(span, status);
          runSpans.delete(run.id);
        }
      };
    },

    step(run: RunRecord, step: { id: string; type: string }) {
      const started = performance.now();
      const key = `${run.id}\u0000${step.id}`;
      const request = requestOf(run.id);
      const span = tracing?.tracer.startSpan(`step ${step.id}`, { attributes: {
        ...spanRequest(run.id), 'cordum.run_id': run.id, 'cordum.step_id': step.id,
        'cordum.step_type': step.type } },
      under(runSpans.get(run.id)));
      if (span) stepSpans.set(key, span);
      return (outcome: StepOutcome) => {
        const error = 'error' in outcome ? outcome.error : undefined;
        const fields: Record<string, unknown> = { ...request, run_id: run.id, step_id: step.id,
          type: step.type, status: outcome.status,
          duration_ms: Math.round(performance.now() - started) };
        if (error) fields.error_code = error.code;
        if (FAILED.has(outcome.status)) {
          log.warn(`step ${outcome.status}`, { ...fields, error: error?.message });
        } else {
          log.debug(`step ${outcome.status}`, fields);
        }
        if (span) {
          endSpan(span, outcome.status, error?.message);
          stepSpans.delete(key);
        }
      };
    },

    decided(run: RunRecord, stepId: string, d: DecisionRecord) {
      log.debug('decision', { ...requestOf(run.id), run_id: run.id, step_id: stepId,
        decision: d.decision,
        rule_id: d.rule_id, snapshot_hash: d.snapshot_hash });
      if (!tracing) return;
      const span = tracing.tracer.startSpan('policy.decide', { attributes: {
        ...spanRequest(run.id), 'cordum.run_id': run.id, 'cordum.step_id': stepId,
        'cordum.topic': d.request.topic ?? '',
        'cordum.decision': d.decision, 'cordum.rule_id': d.rule_id ?? '',
        'cordum.snapshot_hash': d.snapshot_hash,
        ...(d.snapshot_version !== undefined
          ? { 'cordum.snapshot_version': d.snapshot_version } : {}) } },
      under(stepSpans.get(`${run.id}\u0000${stepId}`)));
      span.end();
    },

    child(parentRunId, childRunId, fn) {
      return requests ? requests.during(childRunId, requests.of(parentRunId), fn) : fn();
    },
  };
}

/**
 * `engine serve`'s notifier: each `notify` step's rendered input as an
 * `info` line (`msg: "notify"`, its `payload`, with the run's ids), for a
 * log shipper to route to chat or mail. It never fails the step.
 */
export function logNotifier(log: JsonLog, requests?: RunRequests): Notifier {
  return {
    notify({ run_id: runId, step_id: stepId, payload }) {
      const requestId = requests?.of(runId);
      log.info('notify', { ...(requestId === undefined ? {} : { request_id: requestId }),
        run_id: runId, step_id: stepId, payload });
    },
  };
}

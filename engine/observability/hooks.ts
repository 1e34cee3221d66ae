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

export interface EngineHooksOptions {
  log: JsonLog;
  tracing?: EngineTracing;
  requests?: RunRequests;
}

export function engineHooks(options: EngineHooksOptions): EngineHooks {
  return new RunObserver(options);
}

/** The hooks of `engineHooks`: each begin opens a span, each end logs and closes it. */
class RunObserver implements EngineHooks {
  private readonly log: JsonLog;
  private readonly tracing: EngineTracing | undefined;
  private readonly requests: RunRequests | undefined;
  private readonly runSpans = new Map<string, Span>();
  private readonly stepSpans = new Map<string, Span>();
  /** A subworkflow's child run, while its parent's step drives it: that step's span. */
  private readonly childOf = new Map<string, Span>();

  constructor(options: EngineHooksOptions) {
    this.log = options.log;
    this.tracing = options.tracing;
    this.requests = options.requests;
  }

  run(run: RunRecord): (status: string) => void {
    const started = performance.now();
    const request = this.requestOf(run.id);
    // Under the subworkflow step driving it, else the span of the request's caller (its
    // `traceparent`), else a trace of its own.
    const parent = this.childOf.get(run.id) ?? this.requests?.parentOf(run.id);
    const span = this.tracing?.tracer.startSpan('run', { attributes: {
      ...this.spanRequest(run.id), 'cordum.run_id': run.id,
      'cordum.workflow_id': run.workflow_id } }, under(parent));
    if (span) this.runSpans.set(run.id, span);
    return (status) => {
      const durationMs = Math.round(performance.now() - started);
      this.log.info(`run ${status}`, { ...request, run_id: run.id, workflow_id: run.workflow_id,
        status, duration_ms: durationMs });
      if (span) {
        endSpan(span, status);
        this.runSpans.delete(run.id);
      }
    };
  }

  step(run: RunRecord, step: { id: string; type: string }): (outcome: StepOutcome) => void {
    const started = performance.now();
    const key = stepKey(run.id, step.id);
    const request = this.requestOf(run.id);
    const span = this.tracing?.tracer.startSpan(`step ${step.id}`, { attributes: {
      ...this.spanRequest(run.id), 'cordum.run_id': run.id, 'cordum.step_id': step.id,
      'cordum.step_type': step.type } },
    under(this.runSpans.get(run.id)));
    if (span) this.stepSpans.set(key, span);
    return (outcome) => {
      const durationMs = Math.round(performance.now() - started);
      this.logStep({ ...request, run_id: run.id, step_id: step.id, type: step.type,
        status: outcome.status, duration_ms: durationMs }, outcome);
      if (span) {
        endSpan(span, outcome.status, 'error' in outcome ? outcome.error?.message : undefined);
        this.stepSpans.delete(key);
      }
    };
  }

  decided(run: RunRecord, stepId: string, d: DecisionRecord): void {
    this.log.debug('decision', { ...this.requestOf(run.id), run_id: run.id, step_id: stepId,
      decision: d.decision, rule_id: d.rule_id, snapshot_hash: d.snapshot_hash });
    if (!this.tracing) return;
    const span = this.tracing.tracer.startSpan('policy.decide', { attributes: {
      ...this.spanRequest(run.id), 'cordum.run_id': run.id, 'cordum.step_id': stepId,
      'cordum.topic': d.request.topic ?? '',
      'cordum.decision': d.decision, 'cordum.rule_id': d.rule_id ?? '',
      'cordum.snapshot_hash': d.snapshot_hash,
      ...(d.snapshot_version !== undefined
        ? { 'cordum.snapshot_version': d.snapshot_version } : {}) } },
    under(this.stepSpans.get(stepKey(run.id, stepId))));
    span.end();
  }

  async child<T>(parentRunId: string, childRunId: string, fn: () => Promise<T>,
    parentStepId?: string): Promise<T> {
    const step = parentStepId === undefined ? undefined
      : this.stepSpans.get(stepKey(parentRunId, parentStepId));
    if (step) this.childOf.set(childRunId, step);
    const requests = this.requests;
    try {
      return await (requests ? requests.during(childRunId, requests.of(parentRunId), fn) : fn());
    } finally {
      if (step) this.childOf.delete(childRunId);
    }
  }

  /** A step's line: a failure at warn with its message, anything else at debug. */
  private logStep(fields: Record<string, unknown>, outcome: StepOutcome): void {
    const error = 'error' in outcome ? outcome.error : undefined;
    if (error) fields.error_code = error.code;
    if (FAILED.has(outcome.status)) {
      this.log.warn(`step ${outcome.status}`, { ...fields, error: error?.message });
    } else {
      this.log.debug(`step ${outcome.status}`, fields);
    }
  }

  /** The request first, as in every other line: `{ request_id }`, or nothing. */
  private requestOf(runId: string): { request_id: string } | undefined {
    const id = this.requests?.of(runId);
    return id === undefined ? undefined : { request_id: id };
  }

  private spanRequest(runId: string): { 'cordum.request_id'?: string } {
    const id = this.requests?.of(runId);
    return id === undefined ? {} : { 'cordum.request_id': id };
  }
}

function stepKey(runId: string, stepId: string): string {
  return `${runId}\u0000${stepId}`;
}

/** The context a span starts in: under `parent`, or the active one. */
function under(parent: Span | undefined) {
  return parent ? trace.setSpan(context.active(), parent) : context.active();
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

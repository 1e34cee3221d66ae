/**
 * OpenTelemetry traces for the engine: a span per run, per step (child of
 * its run) and per policy decision (child of the step that asked, or a
 * root span for an HTTP decide; one for an HTTP decide-batch). Spans go to
 * OTLP over HTTP when the environment names an endpoint (tracesUrlFrom), to
 * the exporter a caller passes (tests use the in-memory one), or nowhere.
 * Parents are passed explicitly, so no global context manager is needed.
 */
import { context, trace, SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter }
  from '@opentelemetry/sdk-trace-base';
import { defaultResource, detectResources, envDetector, resourceFromAttributes }
  from '@opentelemetry/resources';
import type { PolicyRequest } from '../../packs/policy/types.js';
import { EngineError } from '../errors.js';
import { isHttpUrl } from '../../packs/http_url.js';
import type { DecideOptions, KernelDecision, PolicyKernel } from '../kernel/kernel.js';

export interface EngineTracing {
  tracer: Tracer;
  run<T>(run: { id: string; workflowId: string }, fn: (span: Span) => Promise<T>): Promise<T>;
  step<T>(parent: Span, step: { runId: string; id: string; type: string },
    fn: (span: Span) => Promise<T>): Promise<T>;
  /** A decision, as a child span of the step that asked, or a root span (HTTP). */
  decide(kernel: PolicyKernel, request: PolicyRequest, parent?: Span,
    options?: DecideOptions): KernelDecision;
  /** An HTTP decide-batch: one span for the batch, naming how many it decided. */
  decideBatch(kernel: PolicyKernel, requests: PolicyRequest[],
    options?: DecideOptions, parent?: Span): KernelDecision[];
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** An exporter of the caller's; spans are exported one by one (tests). */
  exporter?: SpanExporter;
  /** Where OTLP/HTTP spans go, e.g. http://127.0.0.1:4318/v1/traces (default tracesUrlFrom). */
  tracesUrl?: string;
  /**
   * Told when a batch of spans cannot be sent, once a streak (the next batch
   * sent ends it): the exporter itself only tells OpenTelemetry's silent diag log.
   */
  onExportFailed?: (error: string) => void;
}

/**
 * Where spans go, from the environment as OpenTelemetry's SDKs read it:
 * nowhere when `OTEL_SDK_DISABLED=true`; else
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as it is, else
 * `OTEL_EXPORTER_OTLP_ENDPOINT` with `/v1/traces` added; undefined when
 * neither is set. A value that is not an http(s) URL is refused, naming
 * the variable.
 */
export function tracesUrlFrom(env: NodeJS.ProcessEnv): string | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const own = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const [name, value] = own ? ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', own]
    : base ? ['OTEL_EXPORTER_OTLP_ENDPOINT', base] : [undefined, undefined];
  if (!name || !value) return undefined;
  if (!isHttpUrl(value)) {
    throw new EngineError('usage', `${name} must be an http(s) URL such as ` +
      `http://127.0.0.1:4318, not "${value}"`);
  }
  return own ? value : `${value.replace(/\/+$/, '')}/v1/traces`;
}

async function otlpExporter(url: string): Promise<SpanExporter> {
  // A CommonJS package: bundled, its exports may sit under `default`.
  const mod = await import('@opentelemetry/exporter-trace-otlp-http') as
    typeof import('@opentelemetry/exporter-trace-otlp-http') &
    { default?: typeof import('@opentelemetry/exporter-trace-otlp-http') };
  const Exporter = mod.OTLPTraceExporter ?? mod.default?.OTLPTraceExporter;
  // A collector that does not answer holds a stop for at most this long.
  return new Exporter({ url, timeoutMillis: 3000 });
}

/** `ExportResultCode.SUCCESS` of @opentelemetry/core, which this code does not import. */
const EXPORTED = 0;

/** What a failed export says: the collector's HTTP status when it answered one. */
function exportError(error: (Error & { code?: unknown }) | undefined): string {
  const message = error?.message ?? 'the spans were not taken';
  return typeof error?.code === 'number' ? `HTTP ${error.code} ${message}` : message;
}

/** `exporter`, telling `report` when a batch fails after one that did not. */
function reporting(exporter: SpanExporter, report: (error: string) => void): SpanExporter {
  let failing = false;
  return {
    export(spans, done) {
      exporter.export(spans, (result) => {
        if (result.code !== EXPORTED && !failing) report(exportError(result.error));
        failing = result.code !== EXPORTED;
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

async function finish<T>(span: Span, fn: (span: Span) => Promise<T>): Promise<T> {
  try {
    const out = await fn(span);
    span.setStatus({ code: SpanStatusCode.OK });
    return out;
  } catch (err) {
    span.recordException(err instanceof Error ? err : String(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message
      : String(err) });
    throw err;
  } finally {
    span.end();
  }
}

/** `cordum.request_id` of a decision asked over HTTP, or nothing. */
function requestOf(options: DecideOptions): { 'cordum.request_id'?: string } {
  return options.requestId === undefined ? {} : { 'cordum.request_id': options.requestId };
}

/** `fn`'s answer; a throw (no snapshot yet) ends the span as an error first. */
function settle<T>(span: Span, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR,
      message: err instanceof Error ? err.message : String(err) });
    span.end();
    throw err;
  }
}

export async function createTracing(options: TracingOptions = {}): Promise<EngineTracing> {
  const url = options.tracesUrl ?? tracesUrlFrom(process.env);
  const otlp = !options.exporter && url ? await otlpExporter(url) : undefined;
  const processors = options.exporter ? [new SimpleSpanProcessor(options.exporter)]
    : otlp ? [new BatchSpanProcessor(options.onExportFailed
      ? reporting(otlp, options.onExportFailed) : otlp)]
    : [];
  // Collectors group spans by service: the engine's own name, not `unknown_service:node`,
  // unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say otherwise (envDetector).
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': 'cordum-engine' }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new BasicTracerProvider({ spanProcessors: processors, resource });
  const tracer = provider.getTracer('cordum-engine');
  const under = (parent: Span | undefined) =>
    parent ? trace.setSpan(context.active(), parent) : context.active();

  return {
    tracer,
    run: (run, fn) => finish(tracer.startSpan('run', { attributes: {
      'cordum.run_id': run.id, 'cordum.workflow_id': run.workflowId } }), fn),
    step: (parent, step, fn) => finish(tracer.startSpan(`step ${step.id}`, { attributes: {
      'cordum.run_id': step.runId, 'cordum.step_id': step.id, 'cordum.step_type': step.type } },
    under(parent)), fn),
    decide(kernel, request, parent, options = {}) {
      const span = tracer.startSpan('policy.decide', { attributes: {
        ...requestOf(options), 'cordum.topic': request.topic ?? '' } }, under(parent));
      const result = settle(span, () => kernel.decide(request, options));
      span.setAttributes({ 'cordum.decision': result.decision,
        'cordum.rule_id': result.ruleId ?? '', 'cordum.snapshot_hash': result.snapshotHash,
        'cordum.snapshot_version': result.snapshotVersion });
      span.end();
      return result;
    },
    decideBatch(kernel, requests, options = {}, parent) {
      // One span, not one per request: a batch of 10,000 would overflow the export queue.
      const span = tracer.startSpan('policy.decide_batch', { attributes: {
        ...requestOf(options), 'cordum.decisions': requests.length } }, under(parent));
      const results = settle(span, () => kernel.decideBatch(requests, options));
      const active = kernel.current();
      span.setAttributes({ 'cordum.snapshot_hash': results[0]?.snapshotHash ??
        active.snapshot.hash, 'cordum.snapshot_version': results[0]?.snapshotVersion ??
        active.version });
      span.end();
      return results;
    },
    shutdown: () => provider.shutdown(),
  };
}

/**
 * What operators see: spans per run, step and decision checked with the
 * in-memory exporter, and JSON log lines with fixed keys and redaction.
 */
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import { buildSnapshot } from '../../packs/policy/snapshot.js';
import { createTracing, tracesUrlFrom, type EngineTracing }
  from '../../engine/observability/tracing.js';
import { jsonLog } from '../../engine/observability/log.js';
import { openTestKernel, type TestKernel } from './helpers.js';

let k: TestKernel;
let tracing: EngineTracing;
const exporter = new InMemorySpanExporter();

beforeAll(async () => {
  k = await openTestKernel(pgliteBackend, buildSnapshot([{ packId: 'p', fragment: { rules: [
    { id: 'deny-rm', match: { topics: ['job.p.rm'] }, decision: 'deny' }] } }]));
  tracing = await createTracing({ exporter });
});

afterAll(async () => {
  await tracing?.shutdown();
  await k?.close();
});

describe('traces', () => {
  it('nests a decision span under its step and the step under its run', async () => {
    await tracing.run({ id: 'run-1', workflowId: 'p.clean' }, (run) =>
      tracing.step(run, { runId: 'run-1', id: 'remove', type: 'worker' }, async (step) => {
        expect(tracing.decide(k.kernel, { topic: 'job.p.rm' }, step).decision).toBe('deny');
      }));
    await expect(tracing.run({ id: 'run-2', workflowId: 'p.clean' }, async () => {
      throw new Error('boom');
    })).rejects.toThrow('boom');

    const spans = exporter.getFinishedSpans();
    const byName = new Map(spans.map((s) => [s.name, s]));
    const run = spans.find((s) => s.attributes['cordum.run_id'] === 'run-1' && s.name === 'run')!;
    const step = byName.get('step remove')!;
    const decision = byName.get('policy.decide')!;
    expect(step.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    expect(decision.parentSpanContext?.spanId).toBe(step.spanContext().spanId);
    expect(decision.spanContext().traceId).toBe(run.spanContext().traceId);
    expect(decision.attributes).toMatchObject({ 'cordum.decision': 'deny',
      'cordum.rule_id': 'deny-rm', 'cordum.snapshot_hash': k.kernel.current().snapshot.hash });
    const failed = spans.find((s) => s.attributes['cordum.run_id'] === 'run-2')!;
    expect(failed.status).toMatchObject({ code: 2, message: 'boom' });
  });
});

describe('who the spans say made them', () => {
  it('names the engine as its service, unless OTEL_SERVICE_NAME names another', async () => {
    const names = async (env: Record<string, string>) => {
      const saved = { ...process.env };
      Object.assign(process.env, env);
      try {
        const own = new InMemorySpanExporter();
        const t = await createTracing({ exporter: own });
        await t.run({ id: 'r', workflowId: 'w' }, async () => undefined);
        const spans = own.getFinishedSpans();
        await t.shutdown();
        return spans[0]!.resource.attributes;
      } finally {
        for (const k of Object.keys(env)) delete process.env[k];
        Object.assign(process.env, saved);
      }
    };
    expect((await names({}))['service.name']).toBe('cordum-engine');
    expect(await names({ OTEL_SERVICE_NAME: 'engine-eu-1',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod' })).toMatchObject({
      'service.name': 'engine-eu-1', 'deployment.environment': 'prod' });
  });
});

describe('where spans go, from the environment', () => {
  it('reads the OpenTelemetry variables as the SDKs do, and names a bad one', () => {
    const base = 'http://127.0.0.1:4318/';
    expect(tracesUrlFrom({})).toBeUndefined();
    expect(tracesUrlFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: base }))
      .toBe('http://127.0.0.1:4318/v1/traces');
    // The traces variable is taken as it is, and before the general one.
    expect(tracesUrlFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: base,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector:4318/custom' }))
      .toBe('https://collector:4318/custom');
    expect(tracesUrlFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: base, OTEL_SDK_DISABLED: 'TRUE' }))
      .toBeUndefined();
    expect(() => tracesUrlFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not-a-url' })).toThrow(
      expect.objectContaining({ code: 'usage', message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be ' +
        'an http(s) URL such as http://127.0.0.1:4318, not "not-a-url"' }));
    expect(() => tracesUrlFrom({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://x' }))
      .toThrow(/^OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be/);
  });
});

describe('JSON logs', () => {
  it('writes fixed keys, carries run and step ids, and redacts secrets', () => {
    const lines: string[] = [];
    const log = jsonLog((l) => lines.push(l), { clock: () => new Date('2026-01-02T03:04:05Z') });
    log.child({ run_id: 'r1' }).child({ step_id: 's1' }).info('step done', {
      request_id: 'q1', duration_ms: 12, token: 'abc', authorization: 'Bearer x' });
    log.debug('not shown');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([{ time: '2026-01-02T03:04:05.000Z',
      level: 'info', msg: 'step done', run_id: 'r1', step_id: 's1', request_id: 'q1',
      duration_ms: 12, token: '[redacted]', authorization: '[redacted]' }]);
  });

  it('redacts secret-looking keys inside objects and lists too (a notify payload)', () => {
    const lines: string[] = [];
    const log = jsonLog((l) => lines.push(l));
    log.info('notify', { run_id: 'r1', payload: { channel: '#ops', message: 'deployed',
      headers: { Authorization: 'Bearer live' }, hooks: [{ url: 'https://x', api_key: 'k' }],
      at: new Date('2026-01-02T03:04:05Z'), tags: ['a', 'b'] } });
    expect((JSON.parse(lines[0]!) as { payload: unknown }).payload).toEqual({ channel: '#ops',
      message: 'deployed', headers: { Authorization: '[redacted]' },
      hooks: [{ url: 'https://x', api_key: '[redacted]' }], at: '2026-01-02T03:04:05.000Z',
      tags: ['a', 'b'] });
  });
});

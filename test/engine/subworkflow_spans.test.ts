/**
 * A subworkflow's child run is traced inside its parent: the child's run
 * span is a child of the parent's `subworkflow` step span, in one trace.
 */
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { engineHooks } from '../../engine/observability/hooks.js';
import { jsonLog } from '../../engine/observability/log.js';
import { RunRequests } from '../../engine/observability/run_requests.js';
import { createTracing } from '../../engine/observability/tracing.js';
import { createEngine } from '../../engine/runner.js';
import { pgliteBackend } from '../helpers/databases.js';
import { DEMO_SCHEMAS, demoSnapshot, freshDatabase, workflow } from './fixtures.js';

describe('spans of a subworkflow', () => {
  it('put the child run under the parent step that drove it', async () => {
    const db = await (await freshDatabase(pgliteBackend)).open();
    const exporter = new InMemorySpanExporter();
    const tracing = await createTracing({ exporter });
    try {
      const kid = workflow('kid', { make: { type: 'transform', input: { y: 2 } } });
      const parent = workflow('parent', { call: { type: 'subworkflow', workflow: 'demo.kid' } });
      const engine = await createEngine({ db, snapshot: demoSnapshot(), workflows: [kid, parent],
        schemas: DEMO_SCHEMAS, handlers: { find: () => undefined },
        hooks: engineHooks({ log: jsonLog(() => undefined), tracing,
          requests: new RunRequests() }) });
      const view = await engine.start('demo.parent', {});
      expect(view.run.status).toBe('succeeded');

      const spans = exporter.getFinishedSpans();
      const runs = spans.filter((s) => s.name === 'run');
      const top = runs.find((s) => s.attributes['cordum.run_id'] === view.run.id)!;
      const child = runs.find((s) => s.attributes['cordum.workflow_id'] === 'demo.kid')!;
      const call = spans.find((s) => s.name === 'step call')!;
      expect(call.parentSpanContext?.spanId).toBe(top.spanContext().spanId);
      expect(child.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
      expect(child.spanContext().traceId).toBe(top.spanContext().traceId);
      const make = spans.find((s) => s.name === 'step make')!;
      expect(make.parentSpanContext?.spanId).toBe(child.spanContext().spanId);
    } finally {
      await tracing.shutdown();
      await db.close();
    }
  });
});

/**
 * Decision latencies reach prom-client in small hand-overs, so that none
 * holds the event loop for long, and a scrape takes whatever is left.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import { buildSnapshot } from '../../packs/policy/snapshot.js';
import { createEngineMetrics } from '../../engine/observability/metrics.js';
import { openTestKernel, type TestKernel } from './helpers.js';

let k: TestKernel;

beforeAll(async () => {
  k = await openTestKernel(pgliteBackend, buildSnapshot([{ packId: 'ops', fragment: { rules: [
    { id: 'allow-ops', match: { topics: ['job.ops.*'] }, decision: 'allow' },
  ] } }]));
});

afterAll(async () => {
  await k?.close();
});

describe('decision metrics', () => {
  it('hands latencies over 1,024 at a time, and the rest when scraped', async () => {
    const metrics = createEngineMetrics(k.kernel);
    const observe = vi.spyOn(metrics.latency, 'observe');
    for (let i = 0; i < 2_500; i++) k.kernel.decide({ tenantId: 'default', topic: 'job.ops.run' });
    // Two full buffers so far, nothing scraped.
    expect(observe).toHaveBeenCalledTimes(2_048);
    const text = await metrics.registry.metrics();
    expect(observe).toHaveBeenCalledTimes(2_500);
    expect(text).toContain('cordum_policy_decision_seconds_count 2500');
    expect(text).toContain('cordum_policy_decisions_total{decision="allow",rule="allow-ops"} 2500');
  });
});

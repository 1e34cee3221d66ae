/**
 * The engine's Prometheus metrics, on a registry of their own (no global
 * state): decisions by outcome and rule, decision latency, reloads and
 * refused reloads, the active snapshot, and runs and steps by status read
 * from the store when it is scraped.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Queryable } from '../../storage/database.js';
import type { PolicyKernel } from '../kernel/kernel.js';

export interface EngineMetrics {
  registry: Registry;
  decisions: Counter<'decision' | 'rule'>;
  latency: Histogram;
}

/** Buckets from 1 µs to 10 ms: an in-process decision is a few hundred nanoseconds. */
const LATENCY_BUCKETS = [1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 1e-3, 1e-2];

async function countByStatus(db: Queryable, table: 'engine_runs' | 'engine_steps') {
  try {
    const { rows } = await db.query<{ status: string; n: string }>(
      `SELECT status, count(*) AS n FROM ${table} GROUP BY status`);
    return rows.map((r) => ({ status: r.status, n: Number(r.n) }));
  } catch {
    // No run tables (a kernel-only process): the gauges stay empty.
    return [];
  }
}

export function createEngineMetrics(kernel: PolicyKernel, db?: Queryable): EngineMetrics {
  const registry = new Registry();
  const decisions = new Counter({ name: 'cordum_policy_decisions_total',
    help: 'Policy decisions by outcome and deciding rule', labelNames: ['decision', 'rule'],
    registers: [registry] });
  const latency = new Histogram({ name: 'cordum_policy_decision_seconds',
    help: 'Time to decide one request', buckets: LATENCY_BUCKETS, registers: [registry] });
  new Gauge({ name: 'cordum_policy_reloads_total', help: 'Snapshots swapped in since start',
    registers: [registry], collect() { this.set(kernel.reloadCount()); } });
  new Gauge({ name: 'cordum_policy_snapshot_info', help: 'The active snapshot (value 1)',
    labelNames: ['hash', 'version'], registers: [registry],
    collect() {
      const s = kernel.status();
      this.reset();
      this.set({ hash: s.hash, version: String(s.version) }, 1);
    } });
  new Gauge({ name: 'cordum_policy_reload_failing', help: '1 while the last reload was refused',
    registers: [registry], collect() { this.set(kernel.status().lastError ? 1 : 0); } });
  if (db) statusGauges(registry, db);
  // One child per (decision, rule), found by a string key: labels hashing per call is slow.
  const children = new Map<string, { inc(): void }>();
  kernel.onDecision((_request, result, seconds) => {
    const key = `${result.decision}|${result.ruleId ?? ''}`;
    let child = children.get(key);
    if (!child) {
      child = decisions.labels(result.decision, result.ruleId ?? '');
      children.set(key, child);
    }
    child.inc();
    latency.observe(seconds);
  });
  return { registry, decisions, latency };
}

function statusGauges(registry: Registry, db: Queryable): void {
  for (const [name, table] of [['runs', 'engine_runs'], ['steps', 'engine_steps']] as const) {
    new Gauge({ name: `cordum_engine_${name}`, help: `${name} by status`,
      labelNames: ['status'], registers: [registry],
      async collect() {
        this.reset();
        for (const r of await countByStatus(db, table)) this.set({ status: r.status }, r.n);
      } });
  }
}

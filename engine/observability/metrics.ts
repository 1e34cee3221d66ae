/**
 * The engine's Prometheus metrics, on a registry of their own (no global
 * state): decisions by outcome and rule, decision latency, reloads and
 * refused reloads, the active snapshot, and runs and steps by status read
 * from the store when it is scraped.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Queryable } from '../../storage/database.js';
import { DATABASE_DEADLINE_MS, shared, within } from '../../storage/deadline.js';
import type { PolicyKernel } from '../kernel/kernel.js';
import type { RunQueue } from '../queue/types.js';

export interface EngineMetrics {
  registry: Registry;
  decisions: Counter<'decision' | 'rule'>;
  latency: Histogram;
}

/** Buckets from 1 µs to 10 ms: an in-process decision is a few hundred nanoseconds. */
const LATENCY_BUCKETS = [1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 1e-3, 1e-2];

// A run that had finished by its first write keeps its steps in its own row.
const STEP_STATUSES = `SELECT status FROM engine_steps UNION ALL
  SELECT step->>'status' FROM engine_runs, json_array_elements(steps) AS step
  WHERE steps IS NOT NULL`;

/**
 * A count is kept this many times as long as it took: on a large run history (seconds a
 * count) the scrapes' load on the database stays under a tenth of its time.
 */
const COUNT_KEPT_FACTOR = 10;

/**
 * Runs or steps by status. A scrape waits for a count at most DATABASE_DEADLINE_MS; a count
 * that takes longer goes on to its end and the next scrape shows it, so a history too large
 * to count within one scrape is still counted, while a scrape meanwhile shows the last count.
 */
function countByStatus(db: Queryable, table: 'engine_runs' | 'engine_steps') {
  const from = table === 'engine_steps' ? `(${STEP_STATUSES}) AS steps` : table;
  const sql = `SELECT status, count(*) AS n FROM ${from} GROUP BY status`;
  let last: { status: string; n: number }[] = [];
  let keptUntil = 0;
  const count = shared(async () => {
    const started = performance.now();
    try {
      const { rows } = await db.query<{ status: string; n: string }>(sql);
      last = rows.map((r) => ({ status: r.status, n: Number(r.n) }));
    } catch {
      // No run tables (a kernel-only process), or the database refused: no series.
      last = [];
    } finally {
      keptUntil = performance.now() + COUNT_KEPT_FACTOR * (performance.now() - started);
    }
  });
  return async () => {
    if (performance.now() >= keptUntil) {
      await within(count(), DATABASE_DEADLINE_MS).catch(() => undefined);
    }
    return last;
  };
}

export function createEngineMetrics(kernel: PolicyKernel, db?: Queryable): EngineMetrics {
  const registry = new Registry();
  const pending = new PendingDecisions();
  const decisions: Counter<'decision' | 'rule'> = new Counter({
    name: 'cordum_policy_decisions_total',
    help: 'Policy decisions by outcome and deciding rule', labelNames: ['decision', 'rule'],
    registers: [registry], collect: (): void => pending.flush(decisions, latency) });
  const latency: Histogram = new Histogram({ name: 'cordum_policy_decision_seconds',
    help: 'Time to decide one request', buckets: LATENCY_BUCKETS, registers: [registry],
    collect: (): void => pending.flush(decisions, latency) });
  // A counter, as its name says; it reads the kernel's own count when scraped.
  new Counter({ name: 'cordum_policy_reloads_total', help: 'Snapshots swapped in since start',
    registers: [registry], collect() {
      this.reset();
      this.inc(kernel.reloadCount());
    } });
  new Gauge({ name: 'cordum_policy_snapshot_info', help: 'The active snapshot (value 1)',
    labelNames: ['hash', 'version'], registers: [registry],
    collect() {
      const s = kernel.status();
      this.reset();
      // Awaiting a first verified snapshot: there is none to name.
      if (!kernel.ready()) return;
      this.set({ hash: s.hash, version: String(s.version) }, 1);
    } });
  new Gauge({ name: 'cordum_policy_reload_failing', help: '1 while the last reload was refused',
    registers: [registry], collect() { this.set(kernel.status().lastError ? 1 : 0); } });
  if (db) statusGauges(registry, db);
  kernel.onDecision((_r, result, seconds) => pending.add(result.decision, result.ruleId,
    seconds, decisions, latency));
  return { registry, decisions, latency };
}

/**
 * Latencies held before they go to prom-client. Small, so that handing them
 * over (about half a microsecond each) never holds the event loop long: at
 * 65,536 it took tens of milliseconds, once a second or so at 50k
 * decisions/s, and every request arriving meanwhile waited that long.
 */
const LATENCY_BUFFER = 1024;

/**
 * Decisions counted in plain maps and arrays, handed to prom-client when it
 * is scraped (or when the latency buffer fills): prom-client's per-call
 * label hashing would cost more than the decision itself.
 */
class PendingDecisions {
  // By rule id, then decision: the snapshot's own strings, so no key is built per decision.
  private counts = new Map<string, Map<string, { decision: string; rule: string; n: number }>>();
  private latencies: number[] = [];

  add(decision: string, rule: string | undefined, seconds: number,
    decisions: Counter<'decision' | 'rule'>, latency: Histogram): void {
    const ruleId = rule ?? '';
    let byDecision = this.counts.get(ruleId);
    if (!byDecision) this.counts.set(ruleId, (byDecision = new Map()));
    const entry = byDecision.get(decision);
    if (entry) entry.n++;
    else byDecision.set(decision, { decision, rule: ruleId, n: 1 });
    this.latencies.push(seconds);
    if (this.latencies.length >= LATENCY_BUFFER) this.flush(decisions, latency);
  }

  flush(decisions: Counter<'decision' | 'rule'>, latency: Histogram): void {
    for (const byDecision of this.counts.values()) {
      for (const e of byDecision.values()) {
        if (e.n > 0) decisions.inc({ decision: e.decision, rule: e.rule }, e.n);
        e.n = 0;
      }
    }
    const values = this.latencies;
    this.latencies = [];
    for (const v of values) latency.observe(v);
  }
}

/**
 * `cordum_engine_queue_depth{state}`: runs waiting in the run queue for a
 * process to take them, and runs taken, read from the queue when scraped.
 */
export function addQueueGauge(registry: Registry, queue: Pick<RunQueue, 'depth'>): void {
  const depthOf = shared(() => within(queue.depth(), DATABASE_DEADLINE_MS));
  new Gauge({ name: 'cordum_engine_queue_depth', help: 'runs in the run queue, waiting to ' +
    'be taken or taken', labelNames: ['state'], registers: [registry],
    async collect() {
      this.reset();
      // A queue that cannot answer (its database down) shows no series, as the run gauges.
      const depth = await depthOf().catch(() => undefined);
      if (!depth) return;
      this.set({ state: 'waiting' }, depth.waiting);
      this.set({ state: 'taken' }, depth.taken);
    } });
}

/**
 * `cordum_engine_decisions_pruned_total`: recorded decisions this process
 * deleted by retention, read from the pruner's own count when scraped.
 */
export function addPrunedCounter(registry: Registry, pruned: () => number): void {
  new Counter({ name: 'cordum_engine_decisions_pruned_total', help: 'recorded decisions ' +
    'deleted by retention since start', registers: [registry],
    collect() {
      this.reset();
      this.inc(pruned());
    } });
}

/**
 * The gauges read from the database at scrape time. Each waits for it at most
 * DATABASE_DEADLINE_MS (scrapes at once share the wait): a database that stops
 * answering still gets a scrape, saying `database_up 0`.
 */
function statusGauges(registry: Registry, db: Queryable): void {
  const ping = shared(() => within(db.query('SELECT 1'), DATABASE_DEADLINE_MS));
  // 1 when the database answered this scrape: with it down the run and step series are
  // missing, which alone reads like "no runs".
  new Gauge({ name: 'cordum_engine_database_up', help: 'whether the database answered (1) or ' +
    'not (0) at this scrape', registers: [registry],
    async collect() {
      const up = await ping().then(() => 1, () => 0);
      this.set(up);
    } });
  for (const [name, table] of [['runs', 'engine_runs'], ['steps', 'engine_steps']] as const) {
    const counts = countByStatus(db, table);
    new Gauge({ name: `cordum_engine_${name}`, help: `${name} by status`,
      labelNames: ['status'], registers: [registry],
      async collect() {
        this.reset();
        for (const r of await counts()) this.set({ status: r.status }, r.n);
      } });
  }
}

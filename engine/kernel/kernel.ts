/**
 * The policy kernel: decisions against the active snapshot, hot swaps that
 * are kept in the history, rollback to any kept version, and recording of
 * decisions for simulation. Observers (metrics, tracing, logs) hear every
 * decision and swap through small callbacks wired in one place.
 */
import { decide } from '../../packs/policy/evaluate.js';
import { buildSnapshot } from '../../packs/policy/snapshot.js';
import type { DecisionResult, PolicyRequest, PolicySnapshot } from '../../packs/policy/types.js';
import { explainDecision, type Explanation } from './explain.js';
import { KernelError } from './errors.js';
import type { PolicyHistory } from './history.js';
import { SnapshotHolder, type ActiveSnapshot, type SnapshotSource } from './holder.js';
import type { DecisionRecorder } from './recorder.js';

export interface KernelDecision extends DecisionResult {
  snapshotVersion: number;
  explanation?: Explanation;
}

export interface DecisionObserver {
  (request: PolicyRequest, result: KernelDecision, seconds: number): void;
}

export interface DecideOptions {
  requestId?: string;
  explain?: boolean;
}

export interface KernelStatus {
  version: number;
  hash: string;
  rules: number;
  source: SnapshotSource;
  activatedAt: string;
  reloads: number;
  lastError?: { code: string; message: string; at: string };
  /** Following a deployment with no verified snapshot yet: every decision is refused. */
  awaiting?: true;
}

export class PolicyKernel {
  private readonly holder: SnapshotHolder;
  private readonly observers: DecisionObserver[] = [];
  private reloads = 0;
  private lastError: KernelStatus['lastError'];
  /** No snapshot to decide with yet (a followed deployment not verified so far). */
  private awaiting: boolean;

  private constructor(
    initial: ActiveSnapshot,
    readonly history: PolicyHistory,
    readonly recorder: DecisionRecorder | undefined,
    awaiting = false,
  ) {
    this.holder = new SnapshotHolder(initial);
    this.awaiting = awaiting;
  }

  /**
   * A kernel whose first snapshot is kept in the history (or found there).
   * `awaiting`: no snapshot yet, and none is made up. Every decision is
   * refused (`snapshot_unavailable`) until the first `activate`, so an engine
   * that cannot verify what it follows fails closed rather than allow all.
   */
  static async open(options: {
    history: PolicyHistory;
    recorder?: DecisionRecorder;
    snapshot?: PolicySnapshot;
    source?: SnapshotSource;
    awaiting?: boolean;
    /** A kept version to run again as it is (a restart), adding no row. */
    restore?: { version: number; snapshot: PolicySnapshot; source: SnapshotSource };
  }): Promise<PolicyKernel> {
    if (options.restore) {
      const initial = { ...options.restore, activatedAt: new Date().toISOString() };
      return new PolicyKernel(initial, options.history, options.recorder);
    }
    const snapshot = options.snapshot ?? buildSnapshot([]);
    const source = options.source ?? { kind: snapshot.rules.length > 0 ? 'project' : 'empty' };
    if (options.awaiting) {
      const none = { version: 0, snapshot, source, activatedAt: new Date().toISOString() };
      return new PolicyKernel(none, options.history, options.recorder, true);
    }
    // A rollback made over this same snapshot holds across the restart.
    const held = await options.history.rollbackHeld(snapshot, source);
    if (held) {
      const initial = { ...held, activatedAt: new Date().toISOString() };
      return new PolicyKernel(initial, options.history, options.recorder);
    }
    const initial = await options.history.add(snapshot, source);
    return new PolicyKernel(initial, options.history, options.recorder);
  }

  /** Whether there is a snapshot to decide with. */
  ready(): boolean {
    return !this.awaiting;
  }

  current(): ActiveSnapshot {
    return this.holder.current();
  }

  onDecision(observer: DecisionObserver): void {
    this.observers.push(observer);
  }

  onSwap(listener: (next: ActiveSnapshot, previous: ActiveSnapshot) => void): void {
    this.holder.onSwap(listener);
  }

  /** One decision; the active snapshot is read once, so a swap meanwhile cannot split it. */
  decide(request: PolicyRequest, options: DecideOptions = {}): KernelDecision {
    this.assertReady();
    return this.decideWith(this.holder.current(), request, options);
  }

  /** Many decisions against one snapshot: a swap lands before or after the whole batch. */
  decideBatch(requests: PolicyRequest[], options: DecideOptions = {}): KernelDecision[] {
    // An empty batch too: its answer names a snapshot, which must be a verified one.
    this.assertReady();
    const active = this.holder.current();
    return requests.map((r) => this.decideWith(active, r, options));
  }

  private assertReady(): void {
    if (this.awaiting) {
      const why = this.lastError ? ` (${this.lastError.code}: ${this.lastError.message})` : '';
      throw new KernelError('snapshot_unavailable',
        `no verified policy snapshot yet, so nothing is decided${why}`);
    }
  }

  /** One decision; callers have checked there is a verified snapshot (assertReady). */
  private decideWith(active: ActiveSnapshot, request: PolicyRequest, options: DecideOptions) {
    const start = this.observers.length > 0 ? performance.now() : 0;
    // decide answers a fresh object, so it is completed in place rather than copied.
    const result = decide(active.snapshot, request) as KernelDecision;
    result.snapshotVersion = active.version;
    if (options.explain) result.explanation = explainDecision(active.snapshot, request);
    this.recorder?.record(request, result, active.version, options.requestId);
    if (this.observers.length > 0) {
      const seconds = (performance.now() - start) / 1000;
      for (const o of this.observers) o(request, result, seconds);
    }
    return result;
  }

  /** Keeps `snapshot` in the history and swaps it in. */
  async activate(snapshot: PolicySnapshot, source: SnapshotSource): Promise<ActiveSnapshot> {
    const next = await this.history.add(snapshot, source);
    if (next.snapshot.hash !== this.holder.current().snapshot.hash ||
      next.version !== this.holder.current().version) {
      this.holder.swap(next);
      this.reloads++;
    }
    this.awaiting = false;
    this.lastError = undefined;
    return next;
  }

  /**
   * Runs a kept row as it is, adding none: a rollback another engine process made on the
   * same database, so every process sharing the deployment's runs decides alike.
   */
  adopt(kept: { version: number; snapshot: PolicySnapshot; source: SnapshotSource }):
  ActiveSnapshot {
    const next = { ...kept, activatedAt: new Date().toISOString() };
    this.holder.swap(next);
    this.reloads++;
    this.awaiting = false;
    return next;
  }

  /** Runs a kept version again (as a new history row that names it). */
  async rollback(version: number): Promise<ActiveSnapshot> {
    const kept = await this.history.get(version);
    this.rollbackCheck?.(version, kept.source);
    const source: SnapshotSource = { ...kept.source, kind: 'rollback', restored: version };
    return this.activate(kept.snapshot, source);
  }

  /** Refuses a rollback to a kept version that cannot run here (set by a follower). */
  private rollbackCheck: ((version: number, source: SnapshotSource) => void) | undefined;

  checkRollbacks(check: (version: number, source: SnapshotSource) => void): void {
    this.rollbackCheck = check;
  }

  /** A reload that failed: the active snapshot stays, the failure is shown in the status. */
  reloadFailed(failure: { code: string; message: string }, at: Date = new Date()): void {
    this.lastError = { ...failure, at: at.toISOString() };
  }

  /** The followed source answered again with nothing new: a failure shown before is over. */
  reloadRecovered(): void {
    this.lastError = undefined;
  }

  reloadCount(): number {
    return this.reloads;
  }

  status(): KernelStatus {
    const a = this.holder.current();
    const status: KernelStatus = { version: a.version, hash: a.snapshot.hash,
      rules: a.snapshot.rules.length, source: a.source, activatedAt: a.activatedAt,
      reloads: this.reloads };
    if (this.lastError) status.lastError = this.lastError;
    if (this.awaiting) status.awaiting = true;
    return status;
  }
}

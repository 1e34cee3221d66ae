/**
 * Follows a registry deployment: polls it (with its ETag, so an unchanged
 * deployment costs a 304), and on a change pulls and verifies the pinned
 * packs and the policy bundles, composes the snapshot, checks its hash
 * against the published one, and only then swaps it in. Any failure leaves
 * the last good snapshot running and is reported through the kernel status.
 */
import type { LoadedPack } from '../../packs/load.js';
import { checkPublishedHash, composeSnapshot, deploymentSource } from './deployment_snapshot.js';
import { describeFailure, KernelError } from './errors.js';
import type { TakenChange } from './history.js';
import type { ActiveSnapshot } from './holder.js';
import type { PolicyKernel } from './kernel.js';
import { activeContentsKey, contentsKey, type PackContentsBook } from './pack_contents.js';
import type { DeploymentView, RegistryDeploymentSource } from './registry_source.js';

export type PollOutcome =
  | { kind: 'unchanged' }
  | { kind: 'swapped'; version: number; hash: string; generation: number }
  | { kind: 'refused'; code: string; message: string };

export interface FollowerLog {
  (level: 'info' | 'warn', msg: string, fields: Record<string, unknown>): void;
}

/**
 * Whether `view` is the change `taken`. The generation and hash are not enough: a
 * deployment deleted and made again starts at generation 1, and pack versions that share
 * their policy share its hash, while their workflows differ.
 */
function sameChange(taken: TakenChange, view: DeploymentView): boolean {
  if (taken.generation !== view.generation) return false;
  if (taken.packs === undefined) return taken.hash === view.snapshot_hash;
  return contentsKey(taken.hash, taken.packs) === contentsKey(view.snapshot_hash, view.packs);
}

/** A kept snapshot's pack, as its history row names it. */
interface KeptPin {
  id: string;
  version: string;
  sha256: string;
  key_id?: string;
}

export class DeploymentFollower {
  private etag: string | undefined;
  /**
   * The generation last taken, so an answer without a 304 still costs no
   * reload, and a rollback made since holds until the deployment changes
   * (after a restart too: it starts as the history's newest, `options.taken`).
   */
  private taken: TakenChange | undefined;
  /** Whether this process has staged the deployment's packs' workflows and schemas. */
  private staged = false;
  /** The deployment's tenant, as last read. */
  private tenant: string | undefined;
  /** The last failure to stage a kept snapshot's workflows that was logged. */
  private keptFailure: string | undefined;
  /** The last refusal of the deployment's snapshot that was logged, until one is taken. */
  private refusal: string | undefined;
  /** Digests of pinned packs already said to be signed by a revoked key. */
  private readonly revokedSaid = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<PollOutcome> | undefined;
  private stopped = false;

  constructor(
    private readonly source: RegistryDeploymentSource,
    private readonly kernel: PolicyKernel,
    private readonly options: {
      intervalMs?: number;
      log?: FollowerLog;
      /** Where the packs' workflows and schemas go, staged under the snapshot's hash. */
      contents?: PackContentsBook;
      /** The change last taken from the deployment, as the history keeps it. */
      taken?: TakenChange;
    } = {},
  ) {
    this.taken = options.taken;
    // Only a snapshot taken from this deployment can run here: its packs' workflows are
    // fetched by the versions and digests it recorded.
    kernel.checkRollbacks((version, kept) => {
      const name = source.deploymentName;
      const ours = (kept.kind === 'deployment' || kept.kind === 'rollback') &&
        kept.deployment === name && (kept.packs ?? []).every((p) => p.version && p.sha256);
      if (ours) return;
      const from = kept.deployment ? `deployment ${kept.deployment}`
        : `a snapshot of kind "${kept.kind}"`;
      throw new KernelError('request_invalid', `version ${version} came from ${from}, not from ` +
        `deployment ${name}: an engine following ${name} rolls back only to snapshots it took ` +
        'from it (cordum policy history lists their sources)');
    });
    // A rollback swaps in a kept snapshot: its own packs' workflows come with it.
    kernel.onSwap((next) => {
      if (next.source.kind === 'rollback') void this.stageKept(next);
    });
  }

  /**
   * Stages the workflows of a kept snapshot (a rollback, or one a restart
   * runs again) from the pack versions it recorded, checked by digest.
   * Until they are staged the engine is not ready and starts no run.
   */
  private async stageKept(active: ActiveSnapshot,
    fetch: (pin: KeptPin) => Promise<LoadedPack> = (pin) => this.source.packByDigest(pin),
  ): Promise<void> {
    const book = this.options.contents;
    if (!book || book.forKey(activeContentsKey(active))) return;
    const kept = active.source.packs ?? [];
    try {
      const packs = [];
      for (const p of kept) {
        if (!p.version || !p.sha256) {
          throw new KernelError('snapshot_unverified', `kept snapshot v${active.version} ` +
            `names ${p.id} with no version or digest to fetch it by`);
        }
        const pin = { id: p.id, version: p.version, sha256: p.sha256,
          ...(p.key_id ? { key_id: p.key_id } : {}) };
        packs.push({ pin, pack: await fetch(pin) });
      }
      // The tenant of the generation it restores; a row kept before rows named one has none.
      book.stage(activeContentsKey(active), packs, active.source.tenant ?? this.tenant);
      this.keptFailure = undefined;
    } catch (err) {
      const failure = describeFailure(err);
      if (this.stopped) return;
      this.kernel.reloadFailed(failure);
      // Tried again at every poll; said once for each failure, not at every poll.
      const said = `${active.version} ${failure.code} ${failure.message}`;
      if (said === this.keptFailure) return;
      this.keptFailure = said;
      (this.options.log ?? (() => undefined))('warn', 'workflows of a kept snapshot not ' +
        'staged; runs wait', { version: active.version, code: failure.code,
        error: failure.message });
    }
  }

  /**
   * A refused change after a restart: the kept snapshot goes on deciding, and its runs go
   * on too, as they did before the restart, with its own packs' workflows and its tenant.
   * Its packs are verified again here, digest and signature against the key each was
   * taken with (a key no longer trusted keeps them out). A kept row that names no tenant
   * or key is not staged: runs wait rather than run unverified or as a tenant nobody chose.
   */
  private async stageKeptAfterRestart(): Promise<void> {
    const active = this.kernel.current();
    const book = this.options.contents;
    if (!this.kernel.ready() || !book || book.forKey(activeContentsKey(active))) return;
    if ((this.tenant ?? active.source.tenant) === undefined) return;
    if (!(active.source.packs ?? []).every((p) => p.key_id)) return;
    await this.stageKept(active, (pin) =>
      this.source.pack({ ...pin, range: pin.version, key_id: pin.key_id ?? '' }));
  }

  /** One poll; polls never overlap (a second call waits for the first). */
  pollOnce(): Promise<PollOutcome> {
    this.polling ??= this.poll().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  private async poll(): Promise<PollOutcome> {
    const log = this.options.log ?? (() => undefined);
    try {
      const got = await this.source.deployment(this.etag);
      if (!got) return this.unchanged();
      const { view } = got;
      // Unchanged since the last change taken; a rollback meanwhile holds until the next one.
      const same = this.taken !== undefined && sameChange(this.taken, view);
      if (same && this.staged) return this.unchanged();
      const packs = [];
      for (const pin of view.packs) packs.push({ pin, pack: await this.source.pack(pin) });
      const bundles = await this.source.bundles();
      const snapshot = composeSnapshot(packs, bundles);
      checkPublishedHash(view, snapshot);
      const source = deploymentSource(view, bundles);
      // Staged first: the engine reads the contents of the active snapshot (activeContentsKey).
      this.options.contents?.stage(contentsKey(snapshot.hash, source.packs, source.tenant), packs,
        view.tenant);
      this.staged = true;
      this.tenant = view.tenant;
      await this.warnRevokedSigners(view);
      if (same) {
        // A restart: the snapshot kept (a rollback, say) goes on deciding, with the
        // workflows of its own packs.
        this.etag = got.etag;
        return this.unchanged();
      }
      const active = await this.kernel.activate(snapshot, source);
      // Only a change that was taken moves the tag: a refused one is tried again.
      this.etag = got.etag;
      this.taken = { generation: view.generation, hash: view.snapshot_hash, packs: source.packs };
      this.refusal = undefined;
      log('info', 'policy snapshot active', { deployment: view.name,
        generation: view.generation, version: active.version, snapshot_hash: snapshot.hash });
      return { kind: 'swapped', version: active.version, hash: snapshot.hash,
        generation: view.generation };
    } catch (err) {
      const failure = describeFailure(err);
      // Stopping aborted the poll: nothing was refused, so nothing is reported.
      if (this.stopped) return { kind: 'refused', ...failure };
      await this.stageKeptAfterRestart();
      this.kernel.reloadFailed(failure);
      const keeps = this.kernel.ready() ? 'the last good one keeps running'
        : 'no snapshot yet: decisions answer snapshot_unavailable';
      // Tried again at every poll; said once for each refusal, not at every poll.
      const said = `${keeps} ${failure.code} ${failure.message}`;
      if (said !== this.refusal) {
        this.refusal = said;
        log('warn', `policy snapshot refused; ${keeps}`, {
          deployment: this.source.deploymentName, code: failure.code, error: failure.message });
      }
      return { kind: 'refused', ...failure };
    }
  }

  /**
   * Nothing to take: a failure reported by an earlier poll is over, unless
   * the active snapshot (a rollback) still waits for its workflows: staging
   * them is tried again here.
   */
  private async unchanged(): Promise<PollOutcome> {
    const book = this.options.contents;
    await this.adoptNewerRollback();
    const active = this.kernel.current();
    const key = activeContentsKey(active);
    if (book && this.staged && !book.forKey(key)) await this.stageKept(active);
    if (book && !book.forKey(key)) return { kind: 'unchanged' };
    this.kernel.reloadRecovered();
    // Said once, and forgotten: the same refusal after this is a new outage, said again.
    if (this.refusal !== undefined) {
      this.refusal = undefined;
      (this.options.log ?? (() => undefined))('info', 'policy reloads go through again; the ' +
        'deployment is as taken', { deployment: this.source.deploymentName,
        version: active.version, snapshot_hash: active.snapshot.hash });
    }
    return { kind: 'unchanged' };
  }

  /**
   * A rollback of this deployment made by another engine process on the same database
   * (the newest row, newer than the one running here) is taken here too: processes that
   * share the deployment's runs must decide them alike. It holds, as a rollback made here
   * does, until the deployment changes.
   */
  private async adoptNewerRollback(): Promise<void> {
    const newest = await this.kernel.history.latestOf(this.source.deploymentName,
      this.kernel.current().version);
    if (!newest || newest.source.kind !== 'rollback') return;
    // Logged as any rollback is (policy snapshot rolled back), its workflows staged likewise.
    this.kernel.adopt(newest);
  }

  /**
   * Says, once a pin, which packs taken are signed by a key revoked since they were
   * published: they verify, as `cordum pack install` installs them, but an operator who
   * revoked a key wants to know what still runs under it.
   */
  private async warnRevokedSigners(view: DeploymentView): Promise<void> {
    for (const pin of view.packs) {
      if (this.revokedSaid.has(pin.sha256)) continue;
      const revokedAt = await this.source.signerRevokedAt(pin);
      if (revokedAt === undefined) continue;
      this.revokedSaid.add(pin.sha256);
      (this.options.log ?? (() => undefined))('warn', 'a pinned pack is signed by a revoked ' +
        'key', { deployment: view.name, pack_id: pin.id, version: pin.version,
        key_id: pin.key_id, key_revoked_at: revokedAt });
    }
  }

  /** Polls every `intervalMs` (default 2 s) until `stop`. */
  start(): void {
    const interval = this.options.intervalMs ?? 2000;
    const tick = () => {
      if (this.stopped) return;
      void this.pollOnce().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, interval);
      });
    };
    tick();
  }

  /** Stops polling; a poll in flight is aborted, not waited out (a registry may hang). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.source.close();
    if (this.polling) await this.polling;
  }
}

/**
 * Builds the policy kernel of an engine process in one place: history and
 * recorder on the engine's database, the recorded decisions' retention,
 * metrics, the HTTP routes, and, with a registry and a deployment name, the
 * follower that keeps the snapshot in step with the registry. `cordum
 * engine serve` mounts `routes`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicySnapshot } from '../../packs/policy/types.js';
import { keyIdOf } from '../../packs/signing/keys.js';
import type { Database } from '../../storage/database.js';
import { metricsRoutes } from '../http/metrics.js';
import { policyRoutes } from '../http/policy.js';
import type { EngineRoute } from '../http/route.js';
import type { JsonLog } from '../observability/log.js';
import {
  addPrunedCounter,
  createEngineMetrics,
  type EngineMetrics,
} from '../observability/metrics.js';
import { profileRoutes } from '../observability/profile.js';
import type { EngineTracing } from '../observability/tracing.js';
import { KernelError } from './errors.js';
import { DeploymentFollower } from './follow.js';
import { PolicyHistory } from './history.js';
import { PolicyKernel } from './kernel.js';
import { activeContentsKey, PackContentsBook } from './pack_contents.js';
import { DecisionRecorder } from './recorder.js';
import { RegistryDeploymentSource } from './registry_source.js';
import { DecisionRetention } from './retention.js';

export interface KernelWiringOptions {
  db: Database;
  /** The project's snapshot, used until (or unless) a registry deployment is followed. */
  snapshot?: PolicySnapshot;
  registry?: { url: string; token?: string; deployment: string; bundles?: string[];
    keysDir?: string; intervalMs?: number;
    /** How long opening waits for the first poll before serving goes on (default 5 s). */
    firstPollWaitMs?: number };
  adminToken?: string;
  profiling?: boolean;
  record?: boolean;
  /**
   * Recorded decisions older than this many days are pruned, at start and
   * then hourly; 0 keeps them forever. Unset: nothing is pruned here.
   */
  retentionDays?: number;
  log?: JsonLog;
  /** Spans for decisions asked over HTTP (a step's come from the engine's hooks). */
  tracing?: EngineTracing;
}

export interface KernelParts {
  kernel: PolicyKernel;
  metrics: EngineMetrics;
  follower?: DeploymentFollower;
  /** With a followed deployment: the workflows and schemas of its packs. */
  contents?: PackContentsBook;
  routes: EngineRoute[];
  /**
   * Whether the engine can serve: a snapshot to decide with and, following a
   * deployment, that snapshot's workflows (a restart decides with the kept
   * snapshot at once, but runs its workflows only once the registry's verify).
   */
  ready(): boolean;
  close(): Promise<void>;
}

/**
 * Public keys `<keyId>.pem` in a folder, each checked against its name. A file whose key is
 * not the one its name says is refused, not skipped: skipped, every pack it signs would fail
 * later with only "not trusted here".
 */
export function trustedKeysIn(dir: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.pem'))) {
    const file = join(dir, name);
    const pem = readFileSync(file, 'utf8');
    const id = keyIdOf(pem, `--keys ${file}`);
    if (`${id}.pem` !== name) {
      throw new KernelError('usage', `--keys ${file}: holds key ${id}; a trusted key's file ` +
        `is named by its key id (${id}.pem)`);
    }
    keys.set(id, pem);
  }
  return keys;
}

export async function openKernel(options: KernelWiringOptions): Promise<KernelParts> {
  const history = await PolicyHistory.open(options.db);
  const recorder = options.record === false ? undefined : new DecisionRecorder(options.db);
  const r = options.registry;
  // Following a deployment: its last snapshot verified here, if any (a restart keeps
  // deciding as before, whatever the registry answers); else nothing until one verifies.
  const kept = r ? await history.latestOf(r.deployment) : undefined;
  const kernel = await PolicyKernel.open({ history,
    ...(recorder ? { recorder } : {}),
    ...(kept ? { restore: kept } : options.snapshot ? { snapshot: options.snapshot } : {}),
    ...(r && !kept ? { awaiting: true } : {}) });
  const metrics = createEngineMetrics(kernel, options.db);
  const log = options.log;
  if (log) logSwapsOutsideFollowing(kernel, log, kept && r ? r.deployment : undefined);
  const routes = [...policyRoutes(kernel, { adminToken: options.adminToken,
    ...(options.tracing ? { tracing: options.tracing } : {}) }),
    ...metricsRoutes(metrics.registry),
    ...profileRoutes({ enabled: options.profiling === true, adminToken: options.adminToken })];
  const retention = recorder ? retentionFor(options, metrics) : undefined;
  const parts: KernelParts = { kernel, metrics, routes, ready: () => kernel.ready(),
    close: async () => {
      await retention?.stop();
      await recorder?.flush();
    } };
  if (r) {
    const source = new RegistryDeploymentSource({ url: r.url, deployment: r.deployment,
      ...(r.token ? { token: r.token } : {}), ...(r.bundles ? { bundles: r.bundles } : {}),
      ...(r.keysDir ? { trustedKeys: trustedKeysIn(r.keysDir) } : {}) });
    const contents = new PackContentsBook();
    const taken = await history.takenFrom(r.deployment);
    const follower = new DeploymentFollower(source, kernel, { intervalMs: r.intervalMs ?? 2000,
      contents, ...(taken ? { taken } : {}),
      ...(log ? { log: (level, msg, fields) => log[level](msg, fields) } : {}) });
    // The first poll, waited for a while: a registry that answers makes the engine ready
    // as it starts listening; one that hangs (30 s a request) must not keep it from serving
    // health, metrics and the kept snapshot's decisions (or, with none, 503s) meanwhile.
    await untilSettledOr(follower.pollOnce(), r.firstPollWaitMs ?? FIRST_POLL_WAIT_MS);
    follower.start();
    parts.follower = follower;
    parts.contents = contents;
    parts.ready = () =>
      kernel.ready() && contents.forKey(activeContentsKey(kernel.current())) !== undefined;
    parts.close = async () => {
      await follower.stop();
      await retention?.stop();
      await recorder?.flush();
    };
  }
  // Last, so a failure above leaves no prune running on a database about to close.
  retention?.start();
  return parts;
}

/**
 * Says which snapshot decides when it is not a followed change that put it there (the
 * follower logs those): a rollback, and after a restart the snapshot kept from before.
 */
function logSwapsOutsideFollowing(kernel: PolicyKernel, log: JsonLog,
  keptFrom: string | undefined): void {
  const named = (deployment: string | undefined) => (deployment ? { deployment } : {});
  if (keptFrom) {
    const active = kernel.current();
    log.info('policy snapshot kept from before the restart', { ...named(keptFrom),
      version: active.version, restored: active.source.restored,
      snapshot_hash: active.snapshot.hash });
  }
  kernel.onSwap((next, previous) => {
    if (next.source.kind !== 'rollback') return;
    log.info('policy snapshot rolled back', { ...named(next.source.deployment),
      version: next.version, restored: next.source.restored, previous_version: previous.version,
      snapshot_hash: next.snapshot.hash });
  });
}

/** How long opening a following kernel waits for the registry's first answer. */
const FIRST_POLL_WAIT_MS = 5000;

/** Waits for `work` to settle, or `ms`, whichever comes first. */
async function untilSettledOr(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); });
  await Promise.race([work.then(() => undefined, () => undefined), elapsed]);
  clearTimeout(timer);
}

/** The pruner of recorded decisions when a retention is given, counted in the metrics. */
function retentionFor(options: KernelWiringOptions, metrics: EngineMetrics) {
  const days = options.retentionDays;
  if (days === undefined || days === 0) return undefined;
  const log = options.log;
  const retention = new DecisionRetention(options.db, { retentionDays: days,
    ...(log ? { log: (level, msg, fields) => log[level](msg, fields) } : {}) });
  addPrunedCounter(metrics.registry, () => retention.pruned);
  return retention;
}

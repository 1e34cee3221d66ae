/**
 * `cordum engine serve`: the engine's HTTP API on loopback, with a poller
 * that picks up runs that are pending, whose timers are due, or whose
 * process died. It runs until SIGINT or SIGTERM.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { assertPathFlag, type Reporter } from '../../cli/output.js';
import { hostOf, portOf } from '../../cli/port.js';
import { isConnectionLoss } from '../../storage/database.js';
import { emptyDeployment, readDeployment } from '../deployment.js';
import { EngineError } from '../errors.js';
import { isHttpUrl } from '../../packs/http_url.js';
import { handlersOf } from '../handlers/table.js';
import { startEngineServer } from '../http/server.js';
import { localRunQueue } from '../queue/local.js';
import { addQueueGauge } from '../observability/metrics.js';
import type { RunQueue } from '../queue/types.js';
import type { KernelParts } from '../kernel/wiring.js';
import { activeContentsKey } from '../kernel/pack_contents.js';
import type { KernelStatus } from '../kernel/kernel.js';
import { DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS } from '../kernel/retention.js';
import { engineHooks, logNotifier } from '../observability/hooks.js';
import { RunRequests } from '../observability/run_requests.js';
import { remoteParent } from '../observability/trace_parent.js';
import { jsonLog, type LogLevel } from '../observability/log.js';
import {
  DEPLOYMENT_FILE,
  openEngine,
  type EngineFlags,
  type EngineTuning,
  type OpenEngine,
} from '../wiring.js';

/** The shortest `--follow-ms`: a registry polled faster gains nothing. */
const MIN_FOLLOW_MS = 100;

/** `--port`: a TCP port (0 picks a free one). */
function port(value: string | undefined): number {
  return value === undefined ? 8787 : portOf(value);
}

/** `--keys` and `--handlers` configure a followed deployment; alone they would be ignored. */
function refuseFollowOnlyFlags(flags: ServeFlags): void {
  const given = flags.keys !== undefined ? '--keys' : flags.handlers !== undefined
    ? '--handlers' : flags.followMs !== undefined ? '--follow-ms' : undefined;
  if (given === undefined || flags.registry) return;
  throw new EngineError('usage', `${given} is used only with --registry URL (following a ` +
    `registry deployment): add --registry and --deployment NAME, or drop ${given}`);
}

/**
 * `--registry` follows the registry deployment `--deployment` names: without that name it
 * was ignored, and the engine served the project's packs as if no --registry were given.
 */
function followedRegistry(flags: ServeFlags): void {
  if (flags.registry === undefined) return;
  if (!isHttpUrl(flags.registry)) {
    throw new EngineError('usage', `--registry must be the registry's http(s) URL, such as ` +
      `http://127.0.0.1:7800, not "${flags.registry}"`);
  }
  if (flags.deployment === undefined || flags.deployment === '') {
    throw new EngineError('usage', '--registry follows a registry deployment: add ' +
      '--deployment NAME (its name), or drop --registry to serve the project\'s packs');
  }
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** `--log-level`: debug, info (the default), warn or error. */
function logLevel(value: string | undefined): LogLevel {
  if (value === undefined) return 'info';
  if ((LEVELS as readonly string[]).includes(value)) return value as LogLevel;
  throw new EngineError('usage', `--log-level must be one of ${LEVELS.join(', ')}, not "${value}"`);
}

/** `--decision-retention-days`: whole days recorded decisions are kept; 0 keeps them forever. */
function retentionDays(value: string | undefined): number {
  if (value === undefined) return DEFAULT_RETENTION_DAYS;
  const days = /^[0-9]{1,9}$/.test(value) ? Number(value) : undefined;
  if (days !== undefined && days <= MAX_RETENTION_DAYS) return days;
  throw new EngineError('usage', '--decision-retention-days must be a whole number of days ' +
    `from 0 (keep forever) to ${MAX_RETENTION_DAYS}, not "${value}"`);
}

export interface ServeFlags extends EngineFlags {
  /** debug, info, warn or error: which JSON log lines go to stderr. */
  logLevel?: string;
  /** With --registry, `--deployment` names the registry deployment to follow. */
  registry?: string;
  handlers?: string;
  keys?: string;
  profile?: boolean;
  port?: string;
  host?: string;
  leaseMs?: string;
  pollMs?: string;
  followMs?: string;
  concurrency?: string;
  decisionRetentionDays?: string;
}

/** Nine digits at most: a longer time overflows Node's timers (past 24.8 days). */
const MAX_INT = 999_999_999;

/** A whole-number flag from `min` to MAX_INT. */
function int(value: string | undefined, flag: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  // Digits only: parseInt read `1.5` as 1 and `0x50` as 0.
  if (!/^[0-9]{1,9}$/.test(value) || Number(value) < min) {
    // The range said, since a ten-digit number is a whole number too.
    throw new EngineError('usage', `${flag} must be a whole number from ${min} to ${MAX_INT}, ` +
      `not "${value}"`);
  }
  return Number(value);
}

/** Every flag, checked before the data folder is opened: a usage error touches nothing. */
function serveSettings(flags: ServeFlags) {
  const listenPort = port(flags.port);
  if (flags.host !== undefined) hostOf(flags.host);
  refuseFollowOnlyFlags(flags);
  followedRegistry(flags);
  assertPathFlag(flags.data, '--data');
  const pollMs = int(flags.pollMs, '--poll-ms');
  const followMs = int(flags.followMs, '--follow-ms', MIN_FOLLOW_MS);
  return {
    listenPort,
    pollMs,
    followMs,
    level: logLevel(flags.logLevel),
    retention: retentionDays(flags.decisionRetentionDays),
    // A lease shorter than this would run out between its renewals.
    leaseMs: int(flags.leaseMs, '--lease-ms', 100),
    concurrency: int(flags.concurrency, '--concurrency', 1),
    // With --registry, the registry deployment followed (--deployment).
    follow: flags.registry && flags.deployment ? flags.deployment : undefined,
  };
}

/**
 * JSON lines on stderr (runs, failed steps, requests; debug adds every step,
 * decision and decide request), spans over OTLP when the environment names
 * an endpoint, and which request each run is advanced for.
 */
async function observability(level: LogLevel) {
  const log = jsonLog((line) => process.stderr.write(`${line}\n`), { level });
  const { createTracing, tracesUrlFrom } = await import('../observability/tracing.js');
  const tracesUrl = tracesUrlFrom(process.env);
  // A collector that refuses spans is told in the log while serving, not only at the stop.
  const tracing = tracesUrl ? await createTracing({ tracesUrl,
    onExportFailed: (error) => log.warn('spans not exported', { endpoint: tracesUrl, error }) })
    : undefined;
  return { log, tracing, requests: new RunRequests() };
}

type ServeSettings = ReturnType<typeof serveSettings>;

type Observability = Awaited<ReturnType<typeof observability>>;

export async function serveBody(flags: ServeFlags, reporter: Reporter): Promise<void> {
  const settings = serveSettings(flags);
  const { follow } = settings;
  const seen = await observability(settings.level);
  const { log, tracing, requests } = seen;
  const progress = (line: string) => reporter.progress(line);
  // Following a registry deployment: the policy comes from the kernel, which swaps in
  // each verified snapshot; steps read it at every decision. The workflows, schemas
  // and topics come from the same verified packs, staged under the snapshot's hash.
  const engineFlags: EngineFlags = { ...flags };
  if (follow) {
    delete engineFlags.deployment;
    if (flags.handlers) engineFlags.deployment = flags.handlers;
  }
  let kernel: KernelParts | undefined;
  const tuning = await tuningFor(flags, settings, seen, () => kernel);
  const open = await openEngine(engineFlags, { packs: !follow, progress, tuning });
  const survive = surviveLostDatabase(reporter);
  process.on('unhandledRejection', survive);
  // What was started, last first: a failure before serving stops it all, so the process
  // exits and the data folder is free again (the port taken, --keys missing, ...).
  const started: (() => Promise<void>)[] = [() => open.close()];
  let stopping = false;
  let server;
  try {
    const parts = await openKernelFor(open, flags, settings, seen);
    kernel = parts;
    started.unshift(() => parts.close());
    if (follow) progress(`following deployment ${follow} at ${flags.registry}`);
    // A run is resumed only once the engine is ready: following a deployment after a
    // restart, the kept snapshot decides at once but its packs' workflows and topics come
    // with the registry's verify, and a step decided without its topic's risk tags could
    // slip past a rule that needs them.
    const whenReady = async () => {
      while (!parts.ready()) {
        if (stopping) throw new Error('engine stopping before it was ready');
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    const queue = await queueFor(settings.concurrency);
    await queue.start(async (runId, requestId, traceparent) => {
      await whenReady();
      await requests.during(runId, requestId, () => open.engine.resume(runId),
        remoteParent(traceparent));
    });
    started.unshift(() => queue.stop());
    addQueueGauge(parts.metrics.registry, queue);
    server = await startEngineServer(serverOptions(open, parts, queue, seen, settings, flags));
  } catch (err) {
    stopping = true;
    for (const stop of started) await stop().catch(() => undefined);
    await tracing?.shutdown().catch(() => undefined);
    process.off('unhandledRejection', survive);
    throw err;
  }
  reporter.progress(`engine listening on ${server.url}`);
  await untilSignalled();
  stopping = true;
  await server.close();
  for (const stop of started) await stop();
  // Spans still batched go out before the process ends; a collector that cannot take
  // them is reported, and the stop is still a clean one.
  await tracing?.shutdown().catch((err: unknown) => log.warn('spans not exported at shutdown',
    { error: err instanceof Error ? err.message : String(err) }));
  process.off('unhandledRejection', survive);
}

/**
 * How the engine runs steps under `serve`: the flags' lease and concurrency,
 * logs and spans, and decisions (and, following a deployment, workflows,
 * schemas and topics) from the kernel once `kernel()` is open.
 */
async function tuningFor(flags: ServeFlags, settings: ServeSettings,
  seen: Observability, kernel: () => KernelParts | undefined): Promise<EngineTuning> {
  const { log, tracing, requests } = seen;
  const tuning: EngineTuning = {};
  if (settings.leaseMs !== undefined) tuning.leaseMs = settings.leaseMs;
  if (settings.concurrency !== undefined) tuning.concurrency = settings.concurrency;
  // Runs advanced for a request (started, approved, ...) name it in their lines and spans.
  tuning.hooks = engineHooks({ log, requests, ...(tracing ? { tracing } : {}) });
  // A notify step's message, as a log line a shipper can route (Loki, ELK: see the docs).
  tuning.notifier = logNotifier(log, requests);
  tuning.snapshotSource = () => kernel()?.kernel.current().snapshot;
  // Steps' decisions go through the kernel: recorded for `policy simulate`, counted in
  // /metrics, with the snapshot version (runs resumed before it opens decide directly).
  tuning.decider = (request) => kernel()?.kernel.decide(request);
  if (settings.follow) {
    tuning.contentsSource = () => {
      const parts = kernel();
      return parts?.contents?.forKey(activeContentsKey(parts.kernel.current()));
    };
    Object.assign(tuning, await handlersFor(flags));
  }
  return tuning;
}

/** What the HTTP server is given: the engine, its readiness, queue, routes and tokens. */
function serverOptions(open: OpenEngine, parts: KernelParts, queue: RunQueue,
  seen: Observability, settings: ServeSettings, flags: ServeFlags) {
  const options: Parameters<typeof startEngineServer>[0] = {
    engine: open.engine,
    // Ready once the database answers and there is a policy (and its workflows) to run.
    ready: async () => {
      if (!parts.ready()) return waitingFor(parts.kernel.status());
      return (await open.db.query('SELECT 1')).rows.length === 1;
    },
    canResume: () => parts.ready(),
    port: settings.listenPort,
    queue,
    requests: seen.requests,
    routes: parts.routes,
    log: seen.log,
  };
  if (flags.host !== undefined) options.host = flags.host;
  if (settings.pollMs !== undefined) options.pollMs = settings.pollMs;
  const approver = process.env.CORDUM_ENGINE_APPROVER_TOKEN;
  if (approver) {
    const admin = process.env.CORDUM_ENGINE_ADMIN_TOKEN;
    options.approverTokens = admin ? [approver, admin] : [approver];
  }
  return options;
}

/** Until SIGINT or SIGTERM. */
function untilSignalled(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/**
 * graphile-worker reports the end of a run's job in batches, outside any
 * caller: while the database is unreachable that report fails as an
 * unhandled rejection, which would stop the process. The run itself is
 * safe (its lease runs out and a process takes it over), so a lost
 * connection is reported and survived; any other unhandled rejection still
 * stops the process, as Node would.
 */
export function surviveLostDatabase(reporter: Reporter) {
  return (reason: unknown) => {
    if (!isConnectionLoss(reason)) throw reason;
    reporter.progress(`database unreachable (${(reason as Error).message}); ` +
      'runs in hand are taken over by lease once it is back');
  };
}

/** What a followed deployment's engine waits for before it serves, with the last failure. */
function waitingFor(status: KernelStatus): string {
  const what = status.awaiting ? 'no verified policy snapshot yet'
    : "the deployment's packs (their workflows) are not verified yet";
  const last = status.lastError;
  return last ? `${what}; the last reload failed: ${last.code}: ${last.message}` : what;
}

async function openKernelFor(open: OpenEngine, flags: ServeFlags,
  settings: ServeSettings, seen: Observability) {
  const { follow, followMs } = settings;
  const { openKernel } = await import('../kernel/wiring.js');
  const options: Parameters<typeof openKernel>[0] = { db: open.db,
    profiling: flags.profile === true, log: seen.log, retentionDays: settings.retention };
  if (seen.tracing) options.tracing = seen.tracing;
  const admin = process.env.CORDUM_ENGINE_ADMIN_TOKEN;
  if (admin) options.adminToken = admin;
  if (follow && flags.registry) {
    options.registry = { url: flags.registry, deployment: follow };
    const token = process.env.CORDUM_TOKEN;
    if (token) options.registry.token = token;
    if (flags.keys) options.registry.keysDir = flags.keys;
    if (followMs !== undefined) options.registry.intervalMs = followMs;
  } else {
    options.snapshot = open.engine.snapshot;
  }
  return openKernel(options);
}

/**
 * Who receives the jobs of a followed deployment: the handlers file
 * (`--handlers`, else the project's cordum.deployment.yaml when it has one).
 */
async function handlersFor(flags: ServeFlags): Promise<EngineTuning> {
  const project = resolve(flags.project ?? '.');
  const file = flags.handlers ? resolve(flags.handlers) : join(project, DEPLOYMENT_FILE);
  const deployment =
    flags.handlers || existsSync(file) ? await readDeployment(file) : emptyDeployment(file);
  const parts: EngineTuning = {
    handlers: handlersOf(deployment),
    httpAllowlist: deployment.httpAllowlist,
  };
  if (deployment.tenant !== undefined) parts.tenant = deployment.tenant;
  return parts;
}

/** PostgreSQL: graphile-worker, shared by every engine process; PGlite: in-process. */
async function queueFor(concurrency: number | undefined): Promise<RunQueue> {
  const url = process.env.DATABASE_URL;
  if (!url) return localRunQueue(concurrency);
  const { graphileRunQueue } = await import('../queue/graphile.js');
  const options: Parameters<typeof graphileRunQueue>[0] = { connectionString: url };
  if (concurrency !== undefined) options.concurrency = concurrency;
  return graphileRunQueue(options);
}

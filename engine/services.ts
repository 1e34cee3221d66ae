/**
 * What an engine is built from (`EngineOptions`) and the services its steps
 * share, made in one place.
 */
import { randomUUID } from 'node:crypto';
import type { PackTopic } from '../packs/manifest.js';
import type { PolicySnapshot } from '../packs/policy/types.js';
import type { Workflow } from '../packs/workflow/types.js';
import type { Database } from '../storage/database.js';
import type { HandlerLookup } from './handlers/types.js';
import { KeyValueStore } from './key_values.js';
import type { PackContents } from './kernel/pack_contents.js';
import { sleep } from './retry.js';
import { SchemaBook } from './schemas.js';
import type { EngineServices, KernelDecide, Notifier } from './steps/context.js';
import { RunPauses } from './steps/pauses.js';
import { DEFAULT_LEASE_MS, openEngineStore } from './store.js';
import { systemClock } from './store_clock.js';

export interface EngineOptions {
  db: Database;
  snapshot: PolicySnapshot;
  workflows: Workflow[];
  /** Schemas by id (`<pack_id>/<Name>`), from every installed pack. */
  schemas: ReadonlyMap<string, unknown>;
  handlers: HandlerLookup;
  /** Topics installed packs declare (their capability, risk tags, requires). */
  topics?: PackTopic[];
  /** The deployment's tenant; else a workflow's `org_id`; else `default`. */
  tenant?: string;
  clock?: () => Date;
  notifier?: Notifier;
  /** Steps of one run that run at once (default 4). */
  concurrency?: number;
  /** How long a claim on a run lasts unrenewed (default 30 s). */
  leaseMs?: number;
  /** Delays longer than this park on a persisted timer (default 60 s). */
  holdDelayMs?: number;
  /** URL prefixes `http` steps may call. */
  httpAllowlist?: string[];
  /** Called before each step (the `--step` debugger). */
  beforeStep?: EngineServices['beforeStep'];
  /** Logs and traces of runs, steps and decisions (`engine serve`). */
  hooks?: EngineServices['hooks'];
  /**
   * The live policy (a kernel following a deployment): read at every decision, so a
   * swapped snapshot applies to the next step without a restart. Undefined → `snapshot`.
   */
  snapshotSource?: () => PolicySnapshot | undefined;
  /** Decides steps' jobs through a policy kernel (recorded, counted) instead of `snapshot`. */
  decider?: KernelDecide;
  /**
   * The live workflows, schemas and topics (a kernel following a deployment),
   * read for each new run and step. Undefined → `workflows`, `schemas`, `topics`.
   */
  contentsSource?: () => PackContents | undefined;
}

/** Opens the engine's store (migrating its tables) and makes the services of its steps. */
export async function engineServices(options: EngineOptions): Promise<EngineServices> {
  const clock = options.clock ?? systemClock;
  const store = await openEngineStore(options.db, clock);
  const services: EngineServices = {
    store,
    snapshot: options.snapshot,
    schemas: new SchemaBook(options.schemas),
    handlers: options.handlers,
    topics: new Map((options.topics ?? []).map((t) => [t.name, t])),
    clock,
    sleep,
    concurrency: options.concurrency ?? 4,
    owner: randomUUID(),
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    holdDelayMs: options.holdDelayMs ?? 60_000,
    httpAllowlist: options.httpAllowlist ?? [],
    keyValues: new KeyValueStore(options.db, clock),
    cancellers: new Map(),
  };
  const source = options.snapshotSource;
  if (source) {
    Object.defineProperty(services, 'snapshot', {
      enumerable: true,
      get: () => source() ?? options.snapshot,
    });
  }
  const contents = options.contentsSource;
  if (contents) {
    const { schemas: book, topics } = services;
    Object.defineProperty(services, 'schemas', { get: () => contents()?.book ?? book });
    Object.defineProperty(services, 'topics', { get: () => contents()?.topics ?? topics });
  }
  if (options.decider) services.decide = options.decider;
  if (options.notifier) services.notifier = options.notifier;
  if (options.beforeStep) {
    services.beforeStep = options.beforeStep;
    services.pauses = new RunPauses();
  }
  if (options.hooks) services.hooks = options.hooks;
  return services;
}

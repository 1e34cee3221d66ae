/**
 * Builds the real engine for a project, in one place: the database
 * (PostgreSQL from DATABASE_URL, else PGlite under the data folder), the
 * installed packs (each re-verified against cordum.lock), the merged policy
 * snapshot, and the handlers of the deployment file.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSnapshot } from '../packs/policy/snapshot.js';
import { openDatabase, type Database } from '../storage/database.js';
import { emptyDeployment, readDeployment, type Deployment } from './deployment.js';
import { handlersOf, handlerTable } from './handlers/table.js';
import { createEngine, type Engine, type EngineOptions } from './runner.js';

export interface EngineFlags {
  project?: string;
  data?: string;
  deployment?: string;
}

/** Settings of the engine a command may change (`serve --lease-ms`, `run --step`). */
export type EngineTuning = Partial<Pick<
  EngineOptions,
  | 'concurrency'
  | 'leaseMs'
  | 'holdDelayMs'
  | 'beforeStep'
  | 'hooks'
  | 'notifier'
  | 'snapshotSource'
  | 'decider'
  | 'contentsSource'
  | 'handlers'
  | 'httpAllowlist'
  | 'tenant'
>>;

export const DEPLOYMENT_FILE = 'cordum.deployment.yaml';

export interface OpenEngine {
  engine: Engine;
  db: Database;
  deployment?: Deployment;
  close(): Promise<void>;
}

/**
 * Opens the engine. With `packs: false` (listing and showing runs) no pack
 * is loaded and no job can run, so a project without a lock still works.
 */
export async function openEngine(
  flags: EngineFlags,
  options: { packs: boolean; progress?: (line: string) => void; tuning?: EngineTuning },
): Promise<OpenEngine> {
  const project = resolve(flags.project ?? '.');
  const parts = options.packs ? await projectParts(project, flags) : undefined;
  const db = await openEngineDatabase(project, flags, options.progress);
  try {
    const engine = await createEngine({
      db,
      snapshot: buildSnapshot([]),
      workflows: [],
      schemas: new Map(),
      handlers: handlerTable([]),
      ...parts?.engine,
      ...options.tuning,
    });
    const open: OpenEngine = { engine, db, close: () => db.close() };
    if (parts) open.deployment = parts.deployment;
    return open;
  } catch (err) {
    await db.close();
    throw err;
  }
}

async function projectParts(project: string, flags: EngineFlags) {
  const { loadInstalledPacks, snapshotOfInstalled } = await import('../packs/installed.js');
  const installed = await loadInstalledPacks(project);
  const deployment = await deploymentOf(project, flags);
  const engine: Partial<EngineOptions> = {
    snapshot: snapshotOfInstalled(installed),
    workflows: installed.flatMap((p) => p.pack.workflows),
    schemas: new Map(installed.flatMap((p) => [...p.pack.schemas])),
    topics: installed.flatMap((p) => p.pack.manifest.topics ?? []),
    handlers: handlersOf(deployment),
    httpAllowlist: deployment.httpAllowlist,
  };
  if (deployment.tenant !== undefined) engine.tenant = deployment.tenant;
  return { engine, deployment };
}

/** `--deployment` must exist; the default file may be absent (no handlers). */
async function deploymentOf(project: string, flags: EngineFlags): Promise<Deployment> {
  if (flags.deployment) return readDeployment(resolve(flags.deployment));
  const file = join(project, DEPLOYMENT_FILE);
  return existsSync(file) ? readDeployment(file) : emptyDeployment(file);
}

/** The PGlite folder the engine opens, or undefined when DATABASE_URL names PostgreSQL. */
export function engineDataDir(project: string, flags: EngineFlags): string | undefined {
  if (process.env.DATABASE_URL) return undefined;
  return join(resolve(flags.data ?? join(project, '.cordum', 'engine')), 'db');
}

async function openEngineDatabase(
  project: string,
  flags: EngineFlags,
  progress?: (line: string) => void,
): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (url) return openDatabase({ url });
  const dataDir = engineDataDir(project, flags)!;
  if (!existsSync(dataDir))
    progress?.(`creating the engine database in ${dataDir} (a few seconds)`);
  return openDatabase({ dataDir });
}

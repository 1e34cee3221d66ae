/**
 * Opens a registry's storage for a command that works on it directly
 * (`fsck`, `export`, `import`): the database of `--data` (or DATABASE_URL),
 * its blobs and its log key. On PGlite, stop the server first: one process
 * at a time may open its folder. Only `import` may open a folder that holds
 * no registry yet.
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { assertPathFlag } from '../../cli/output.js';
import { PackError } from '../../packs/errors.js';
import { silentLogger } from '../log.js';
import { logKeySourceFromEnv } from '../tlog/signer.js';
import { openRegistryServices, type RegistryServices } from '../wiring.js';

/** `read` (fsck, export) needs a registry there; `restore` (import) may start a new one. */
export type OfflineMode = 'read' | 'restore';

function isFolder(path: string): boolean | undefined {
  try {
    return statSync(path).isDirectory();
  } catch {
    return undefined;
  }
}

/**
 * Opening a registry makes one where none is; a command that only reads must
 * not, or a mistyped --data would pass `fsck` (and export an empty archive).
 * A registry's folder holds its PGlite database (`db/`), or, on PostgreSQL,
 * its blobs (`blobs/`).
 */
export function assertRegistryFolder(dataDir: string, databaseUrl: string | undefined): void {
  const folder = isFolder(dataDir);
  if (folder === undefined) {
    throw new PackError('file_missing', `--data ${dataDir}: no such folder; give the data ` +
      'folder of an existing registry (the --data of `cordum registry serve`)');
  }
  if (!folder) {
    throw new PackError('file_missing', `--data ${dataDir}: is a file, not a folder; give the ` +
      'data folder of an existing registry (the --data of `cordum registry serve`)');
  }
  const inside = databaseUrl ? 'blobs' : 'db';
  if (isFolder(join(dataDir, inside)) !== true) {
    throw new PackError('file_missing', `--data ${dataDir}: holds no registry (no ${inside}/ ` +
      'folder); give the data folder of an existing registry (the --data of `cordum registry ' +
      'serve`)');
  }
}

export async function openOffline(data: string, mode: OfflineMode = 'read')
  : Promise<RegistryServices> {
  // An empty --data would open (import: make) a registry in the current folder.
  assertPathFlag(data, '--data');
  const dataDir = resolve(data);
  if (mode === 'read') assertRegistryFolder(dataDir, process.env.DATABASE_URL || undefined);
  const { dataDir: _unused, ...logKey } = logKeySourceFromEnv(dataDir);
  return openRegistryServices({
    dataDir,
    databaseUrl: process.env.DATABASE_URL || undefined,
    log: silentLogger,
    logKey,
  });
}

export async function withOffline<T>(data: string, fn: (s: RegistryServices) => Promise<T>,
  mode: OfflineMode = 'read') {
  const services = await openOffline(data, mode);
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

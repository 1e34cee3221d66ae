/**
 * Opens a registry's storage for a command that works on it directly
 * (`fsck`, `export`, `import`): the database of `--data` (or DATABASE_URL),
 * its blobs and its log key. On PGlite, stop the server first: one process
 * at a time may open its folder.
 */
import { resolve } from 'node:path';
import { silentLogger } from '../log.js';
import { logKeySourceFromEnv } from '../tlog/signer.js';
import { openRegistryServices, type RegistryServices } from '../wiring.js';

export async function openOffline(data: string): Promise<RegistryServices> {
  const dataDir = resolve(data);
  const { dataDir: _unused, ...logKey } = logKeySourceFromEnv(dataDir);
  return openRegistryServices({
    dataDir,
    databaseUrl: process.env.DATABASE_URL || undefined,
    log: silentLogger,
    logKey,
  });
}

export async function withOffline<T>(data: string, fn: (s: RegistryServices) => Promise<T>) {
  const services = await openOffline(data);
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

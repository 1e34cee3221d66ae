/**
 * The one place the registry's real seams are built: the database (PGlite
 * in `<data>/db`, or PostgreSQL when a URL is given), migrations, the
 * bootstrap admin token, and the file-system blob store in `<data>/blobs`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../packs/bundle/limits.js';
import { openDatabase } from '../storage/database.js';
import { migrate } from '../storage/migrate.js';
import { FsBlobStore } from './blobs/fs.js';
import { downloadCountsOf } from './hardening/download-counts.js';
import { systemClock, type Clock } from './clock.js';
import { DEFAULT_UPLOAD_LIMITS, type RegistryDeps } from './deps.js';
import type { Logger } from './log.js';
import { REGISTRY_COMPONENT, registryMigrations } from './migrations.js';
import { createToken, DEFAULT_PUBLISHER } from './store/tokens.js';
import type { HardeningOptions } from './hardening/options.js';
import { loadLogSigner, type LogKeySource } from './tlog/signer.js';
import { OidcVerifier, type OidcConfig } from './oidc/verify.js';

export interface RegistryOptions {
  dataDir: string;
  /** PostgreSQL connection string (`DATABASE_URL`); PGlite when absent. */
  databaseUrl?: string;
  /** An admin token to create when it is not stored yet. */
  bootstrapToken?: string;
  anonymousRead?: boolean;
  log: Logger;
  clock?: Clock;
  /** The transparency log's key; default `<data>/log-key.pem`, made when absent. */
  logKey?: Omit<LogKeySource, 'dataDir'>;
  hardening?: HardeningOptions;
  /** Single sign-on with OIDC ID tokens of this issuer (registry/oidc). */
  oidc?: OidcConfig;
  /** Serve `GET /metrics` without a token (registry/metrics). */
  metricsPublic?: boolean;
  /** A scrape secret for `GET /metrics` alone, checked without the database. */
  metricsToken?: string;
}

/** Everything but the base URL, which is known once the server listens. */
export type RegistryServices = Omit<RegistryDeps, 'baseUrl'> & { close(): Promise<void> };

export async function openRegistryServices(options: RegistryOptions): Promise<RegistryServices> {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  const where = options.databaseUrl ? 'PostgreSQL' : join(options.dataDir, 'db');
  const fresh = !options.databaseUrl && !existsSync(where);
  log.info('opening database', {
    database: where,
    note: fresh ? 'a new PGlite database takes a few seconds' : undefined,
  });
  const db = options.databaseUrl
    ? await openDatabase({ url: options.databaseUrl })
    : await openDatabase({ dataDir: join(options.dataDir, 'db') });
  try {
    const applied = await migrate(db, REGISTRY_COMPONENT, registryMigrations);
    log.info('database ready', { database: db.kind, migrations_applied: applied });
    if (options.bootstrapToken) {
      const token = { publisher: DEFAULT_PUBLISHER, scopes: ['admin' as const],
        label: 'bootstrap', secret: options.bootstrapToken };
      const { created, id } = await createToken(db, token, clock.now());
      // The id (not the secret) lets an operator revoke it once another replaces it.
      log.info(created ? 'bootstrap token created' : 'bootstrap token already stored', { id });
    } else if ((await db.query('SELECT 1 FROM registry_tokens LIMIT 1')).rows.length === 0) {
      // Nobody could ever authenticate: every write (and, by default, every read) is refused.
      log.warn('no token exists and no CORDUM_BOOTSTRAP_TOKEN was given: every request ' +
        'needing a token is refused; restart with CORDUM_BOOTSTRAP_TOKEN=<secret>', {});
    }
    const blobs = await FsBlobStore.open(join(options.dataDir, 'blobs'), clock.now());
    const logSigner = loadLogSigner({ dataDir: options.dataDir, ...options.logKey });
    return {
      db,
      blobs,
      clock,
      log,
      anonymousRead: options.anonymousRead ?? false,
      uploadLimits: DEFAULT_UPLOAD_LIMITS,
      bundleLimits: DEFAULT_LIMITS,
      logSigner,
      dataDir: options.dataDir,
      ...(options.hardening ? { hardening: options.hardening } : {}),
      ...(options.metricsPublic ? { metricsPublic: true } : {}),
      ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
      ...(options.oidc ? { oidc: new OidcVerifier(options.oidc, () => clock.now()) } : {}),
      // Counted downloads not yet written go first (hardening/download-counts.ts).
      close: async () => {
        await downloadCountsOf(db).flush();
        await db.close();
      },
    };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}

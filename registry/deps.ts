/**
 * What the registry app is built from. Each seam is a small interface;
 * `wiring.ts` builds the real ones, tests build their own.
 */
import type { Database } from '../storage/database.js';
import type { BundleLimits } from '../packs/bundle/limits.js';
import type { BlobStore } from './blobs/store.js';
import type { Clock } from './clock.js';
import type { Logger } from './log.js';
import type { HardeningOptions } from './hardening/options.js';
import type { LogSigner } from './tlog/signer.js';
import type { OidcVerifier } from './oidc/verify.js';
import type { RegistryMetrics } from './metrics/metrics.js';

/** Size limits on request bodies, checked while they arrive. */
export interface UploadLimits {
  /** The `tarball` part of a publish. */
  tarballBytes: number;
  /** The `bundle` part (a sigstore bundle is a few KiB). */
  bundleBytes: number;
  /** A JSON request body (key registration). */
  jsonBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  tarballBytes: 64 * MiB,
  bundleBytes: 512 * 1024,
  jsonBytes: 256 * 1024,
};

export interface RegistryDeps {
  db: Database;
  blobs: BlobStore;
  clock: Clock;
  log: Logger;
  /** Base of the absolute URLs handed out, e.g. `https://packs.example.com`. */
  baseUrl: string;
  /** Let reads through without a token. */
  anonymousRead: boolean;
  uploadLimits: UploadLimits;
  /** Limits `readBundle` applies to a published tarball. */
  bundleLimits: BundleLimits;
  /** Signs the transparency log's tree heads (registry/tlog). */
  logSigner: LogSigner;
  /** CORS and rate limits; `DEFAULT_HARDENING` when absent. */
  hardening?: HardeningOptions;
  /** Accepts OIDC ID tokens as Bearer tokens (registry/oidc); absent: SSO off. */
  oidc?: OidcVerifier;
  /** The data folder, when there is one: keys kept beside the database (registry/tfregistry). */
  dataDir?: string;
  /** This app's Prometheus metrics (registry/metrics); `createRegistryApp` makes them. */
  metrics?: RegistryMetrics;
  /** Serve `GET /metrics` without a token (`--metrics-public`); else it needs `admin`. */
  metricsPublic?: boolean;
  /** A scrape secret that opens `GET /metrics` alone (`CORDUM_METRICS_TOKEN`). */
  metricsToken?: string;
}

/**
 * Safety limits on a pack bundle. The defaults are Cordum's gateway limits
 * (the floor), plus a compression-ratio cap against gzip bombs.
 */
export interface BundleLimits {
  /** Compressed bytes of the tarball. */
  maxUploadBytes: number;
  /** Regular files in the tarball. */
  maxFiles: number;
  /** Bytes of one file. */
  maxFileBytes: number;
  /** Bytes of all entries once decompressed. */
  maxTotalBytes: number;
  /** Decompressed bytes per compressed byte, checked past the first MiB. */
  maxRatio: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: BundleLimits = {
  maxUploadBytes: 64 * MiB,
  maxFiles: 2048,
  maxFileBytes: 32 * MiB,
  maxTotalBytes: 256 * MiB,
  maxRatio: 200,
};

export function withLimits(overrides: Partial<BundleLimits> = {}): BundleLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

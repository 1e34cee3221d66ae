/**
 * The hardening settings of one registry process: which browser origins
 * may call it (none unless listed) and its rate limits. The limits are
 * kept in this process's memory: each process behind a load balancer
 * counts on its own.
 */

/** A token bucket: `perSecond` refill, at most `burst` requests at once. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

export interface HardeningOptions {
  /** Origins (`https://app.example.com`) allowed by CORS; empty turns CORS off. */
  corsOrigins: string[];
  /** Every request, counted by client address; `null` turns it off. */
  addressRate: RateLimit | null;
  /** Requests that carry a bearer token, counted by token; `null` turns it off. */
  tokenRate: RateLimit | null;
}

/** Generous enough for CI and installs, tight enough to stop a flood. */
export const DEFAULT_HARDENING: HardeningOptions = {
  corsOrigins: [],
  addressRate: { perSecond: 1000, burst: 2000 },
  tokenRate: { perSecond: 500, burst: 1000 },
};

/**
 * Bounded waits for the database on the operators' routes (the engine's
 * `/readyz` and `/metrics`, the registry's `/v1/health`). A PostgreSQL that
 * stops answering without closing its connections (a frozen server, a
 * dropped route) would otherwise hold each probe and scrape as long as it
 * hangs, and a hung probe tells nothing.
 */

/** How long a health probe or a `/metrics` scrape waits for the database. */
export const DATABASE_DEADLINE_MS = 2000;

/** `work`'s answer, or a rejection saying nothing answered within `ms`. */
export function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => {
    // ETIMEDOUT: what callers already take for a database out of reach.
    timer = setTimeout(() => fail(Object.assign(new Error(`no answer within ${ms} ms`),
      { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * `work` made once at a time: a call while one is in flight shares it. With
 * `within` inside, a database that hangs is asked again at most once per
 * deadline however often it is probed, and a fresh ask finds it once it is back.
 */
export function shared<T>(work: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => (pending ??= work().finally(() => {
    pending = undefined;
  }));
}

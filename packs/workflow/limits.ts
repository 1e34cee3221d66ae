/**
 * Bounds the engine holds every workflow to, whatever it asks for, so a run
 * cannot spin: `pack validate` warns of a `retry` past them, and the engine
 * cuts it to them (engine/retry.ts).
 */

/** Retries of one job at most. */
export const MAX_RETRIES = 10;

/** The longest wait between two tries of a job. */
export const MAX_BACKOFF_MS = 60_000;

/**
 * Ctrl-C (SIGINT) or SIGTERM while a command has files half-written: the
 * clean-up runs first, then the signal is raised again, so the process ends
 * as it would have and leaves nothing behind. A signal that arrives while
 * synchronous work blocks the event loop waits for that work to finish.
 */
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface Interruptible {
  /** Ends the watch once the files are in place (or removed). */
  release(): void;
}

export function onInterrupt(cleanUp: () => void): Interruptible {
  const off = () => {
    for (const s of SIGNALS) process.off(s, handler);
  };
  function handler(signal: NodeJS.Signals) {
    off();
    try {
      cleanUp();
    } finally {
      // With no listener left, the default action ends the process.
      process.kill(process.pid, signal);
    }
  }
  for (const s of SIGNALS) process.on(s, handler);
  // A signal caught during synchronous work reaches its listener a few turns of the loop
  // later (not by the next setImmediate), and one with no listener left is dropped; so the
  // watch stays a moment longer. The timer does not keep the process alive.
  return { release: () => void setTimeout(off, 100).unref() };
}

/**
 * One process at a time on a PGlite folder. PGlite runs the database inside
 * the process that opens it: a second process on the same folder works on
 * its own copy, and what it writes is lost when the first writes its own.
 * So the folder is locked by a file beside it naming the holder's pid; a
 * second process is refused, and a lock whose process is gone is taken
 * over. Within a process the lock is counted: a folder reopened while its
 * last PGlite is still closing keeps it (handles share one PGlite, pglite.ts).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { processAlive } from './process_alive.js';

/** A folder another live process holds. */
export class FolderInUse extends Error {
  readonly code = 'database_in_use';
}

const held = new Map<string, number>();

function holderOf(lockPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Locks `dataDir` for this process; answers how to let it go. */
export function lockFolder(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`;
  const release = () => {
    const left = (held.get(lockPath) ?? 1) - 1;
    if (left > 0) {
      held.set(lockPath, left);
      return;
    }
    held.delete(lockPath);
    if (holderOf(lockPath) === process.pid) rmSync(lockPath, { force: true });
  };
  const count = held.get(lockPath);
  if (count !== undefined) {
    held.set(lockPath, count + 1);
    return once(release);
  }
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lockPath, `${process.pid}\n`, { flag: 'wx' });
      held.set(lockPath, 1);
      return once(release);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const pid = holderOf(lockPath);
    if (pid !== undefined && pid !== process.pid && processAlive(pid)) {
      throw new FolderInUse(`the database folder ${dataDir} is in use by process ${pid} ` +
        '(PGlite serves one process): stop that process, or use its HTTP API; if no such ' +
        `process runs, remove ${lockPath}`);
    }
    // Its process is gone (killed, or crashed): the lock is stale.
    rmSync(lockPath, { force: true });
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}

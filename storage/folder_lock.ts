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

/** A folder another live process holds. */
export class FolderInUse extends Error {
  readonly code = 'database_in_use';
}

const held = new Map<string, number>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: the process exists, under another user.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !zombie(pid);
}

/**
 * A process killed with kill -9 stays in the table, a zombie, until its parent reaps it, and
 * signal 0 still reaches it; where the parent is slow (an init that does not reap at once, in
 * a container) a restarted engine was refused. Linux says so in /proc; elsewhere, no zombie.
 */
function zombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may hold any character.
    const state = stat.slice(stat.lastIndexOf(')') + 2).charAt(0);
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}

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
    if (pid !== undefined && pid !== process.pid && alive(pid)) {
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

/**
 * Whether the process that wrote a pid into a lock or staging name still
 * runs: what every "held by a live process, else taken over" check here asks.
 */
import { readFileSync } from 'node:fs';

/** True while `pid` runs: signal 0 reaches it (or it is another user's) and it is no zombie. */
export function processAlive(pid: number): boolean {
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

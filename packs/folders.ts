/**
 * `mkdir -p` that cannot spin. Node's recursive mkdir reads ENOENT as "the
 * parent is missing" and tries the parent again, for ever, where a parent
 * exists but cannot hold folders (anything under /proc or /sys answers
 * ENOENT): a command given such a path burned a core and never returned.
 * Here each missing folder is made once, outermost first, and a refusal is
 * thrown as the system gave it.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const code = (err: unknown) => (err as NodeJS.ErrnoException).code;

/**
 * Makes `path` and any missing folders above it; a folder already there is fine.
 * Answers the folders it made, outermost first.
 */
export function makeFolders(path: string, mode?: number): string[] {
  const missing: string[] = [];
  for (let at = resolve(path); ; at = dirname(at)) {
    try {
      statSync(at);
      break;
    } catch (err) {
      if (code(err) !== 'ENOENT') throw err;
    }
    missing.push(at);
    if (dirname(at) === at) break;
  }
  const made: string[] = [];
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder, mode === undefined ? undefined : { mode });
      made.push(folder);
    } catch (err) {
      // Made meanwhile by another process: what matters is that it is a folder now.
      if (code(err) !== 'EEXIST' || !statSync(folder).isDirectory()) throw err;
    }
  }
  return made;
}

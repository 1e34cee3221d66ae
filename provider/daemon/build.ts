/**
 * Which build a launcher runs: the SHA-256 of its lib/provider.cjs. The
 * daemon serves its own build only, so a launcher installed from another
 * build (a rebuild, an older install) starts node itself rather than get
 * code its lock file and schemas do not describe. provider.cjs names the
 * provider's handlers, and they their chunks, by content hash (the build
 * makes sure), so its own hash covers every file it loads.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function buildOf(providerJs: string): string {
  return createHash('sha256').update(readFileSync(providerJs)).digest('hex');
}

/** `buildOf(<dir>/lib/provider.cjs)`, hashed again only when the file changes; null if none. */
export function launcherBuilds(): (launcherDir: string) => string | null {
  const seen = new Map<string, { stamp: string; build: string }>();
  return (launcherDir) => {
    const file = join(launcherDir, 'lib', 'provider.cjs');
    try {
      const s = statSync(file);
      const stamp = `${s.size}:${s.mtimeMs}:${s.ino}`;
      const known = seen.get(file);
      if (known?.stamp === stamp) return known.build;
      const build = buildOf(file);
      if (seen.size > 64) seen.clear();
      seen.set(file, { stamp, build });
      return build;
    } catch {
      return null;
    }
  };
}

// Dumps a database made by PGlite's own initdb into the new build's folder, for
// new databases to start from (storage/pglite_initial.ts, which names the file the
// same way). A sound dump for the same PGlite version in the last build is carried over;
// otherwise a new one takes initdb's few seconds, once.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync }
  from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { list } from 'tar';

// A dump whose gzip and tar check out to the end, holding a database folder (PG_VERSION);
// a damaged one is made again.
async function whole(file) {
  let holdsVersion = false;
  try {
    await list({ file, onReadEntry: (entry) => {
      if (entry.path.replace(/^\/+/, '') === 'PG_VERSION') holdsVersion = true;
    } });
    return holdsVersion;
  } catch {
    return false;
  }
}

export async function pgliteInitial(into, last) {
  const pkg = join('node_modules', '@electric-sql', 'pglite', 'package.json');
  if (!existsSync(pkg)) return;
  const { version } = JSON.parse(readFileSync(pkg, 'utf8'));
  const name = `pglite-${version}-initdb.tar.gz`;
  if (existsSync(join(last, name)) && await whole(join(last, name))) {
    copyFileSync(join(last, name), join(into, name));
    return;
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const scratch = mkdtempSync(join(tmpdir(), 'cordum-initdb-'));
  try {
    const db = await PGlite.create(join(scratch, 'db'));
    const dump = await db.dumpDataDir('gzip');
    await db.close();
    writeFileSync(join(into, name), Buffer.from(await dump.arrayBuffer()));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

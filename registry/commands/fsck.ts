/**
 * `cordum registry fsck`: every version's blob is present and hashes to its
 * name, and its tarball passes the reader and loader a publish applies now
 * (fsck-reader.ts); every publish is in the transparency log, the log's
 * entries match their leaf hashes, its stored nodes and tree heads match a
 * recomputed tree. Unreferenced blobs (left by a publish that crashed before
 * its commit) are warnings: nothing serves them. Exits 1 on any problem.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../cli/output.js';
import { isRegistryError } from '../errors.js';
import { treeRoot } from '../tlog/heads.js';
import { logSize } from '../tlog/store.js';
import { yankedByPack } from '../store/yanks.js';
import type { RegistryServices } from '../wiring.js';
import { withOffline } from './offline.js';
import { checkLog } from './fsck-log.js';
import { checkReadable } from './fsck-reader.js';

export interface FsckFinding {
  code: string;
  target: string;
  message: string;
}

export interface FsckReport {
  versions: number;
  blobs: number;
  log_size: number;
  root_hash: string;
  problems: FsckFinding[];
  warnings: FsckFinding[];
}

function blobNames(dataDir: string): string[] {
  const root = join(dataDir, 'blobs', 'sha256');
  const list = (d: string) => {
    try {
      return readdirSync(d);
    } catch {
      return [];
    }
  };
  return list(root).flatMap((dir) => list(join(root, dir)));
}

/** Versions between two progress lines: reading each tarball again is the long part. */
const PROGRESS_EVERY = 100;

async function checkBlobs(s: RegistryServices, report: FsckReport,
  progress: (line: string) => void): Promise<Set<string>> {
  const { rows } = await s.db.query<{ pack_id: string; version: string; sha256: string }>(
    'SELECT pack_id, version, sha256 FROM registry_versions ORDER BY pack_id, version');
  report.versions = rows.length;
  progress(`reading ${rows.length} versions again`);
  const yanked = await yankedByPack(s.db);
  const used = new Set<string>();
  for (const [i, r] of rows.entries()) {
    if (i > 0 && i % PROGRESS_EVERY === 0) progress(`read ${i} of ${rows.length} versions`);
    used.add(r.sha256);
    let tarball: Buffer;
    try {
      tarball = await s.blobs.get(r.sha256);
    } catch (err) {
      if (!isRegistryError(err)) throw err;
      report.problems.push({ code: err.code, target: `${r.pack_id}@${r.version}`,
        message: err.message });
      continue;
    }
    await checkReadable(s, report,
      { ...r, yanked: yanked.get(r.pack_id)?.has(r.version) ?? false }, tarball);
  }
  // The npm packages made from versions (served under /npm) are blobs too: checked alike.
  const npm = await s.db.query<{ pack_id: string; version: string; sha256: string }>(
    'SELECT pack_id, version, sha256 FROM registry_npm_tarballs ORDER BY pack_id, version');
  for (const r of npm.rows) {
    used.add(r.sha256);
    try {
      await s.blobs.get(r.sha256);
    } catch (err) {
      if (!isRegistryError(err)) throw err;
      report.problems.push({ code: err.code, target: `npm tarball of ${r.pack_id}@${r.version}`,
        message: err.message });
    }
  }
  return used;
}

/**
 * Checks the registry `s` opened on `dataDir`. `progress` hears what it does, a line at a
 * time (every PROGRESS_EVERY versions), since a large blob store takes minutes.
 */
export async function fsckRegistry(s: RegistryServices, dataDir: string,
  progress: (line: string) => void = () => undefined): Promise<FsckReport> {
  const report: FsckReport = { versions: 0, blobs: 0, log_size: 0, root_hash: '',
    problems: [], warnings: [] };
  const used = await checkBlobs(s, report, progress);
  const names = blobNames(dataDir);
  report.blobs = names.length;
  for (const name of names.filter((n) => !used.has(n))) {
    report.warnings.push({ code: 'blob_orphan', target: `sha256:${name}`,
      message: 'no version references this blob; it is never served' });
  }
  progress('checking the transparency log');
  await checkLog(s, report);
  report.log_size = await logSize(s.db);
  report.root_hash = await treeRoot(s.db, report.log_size).catch(() => '');
  return report;
}

export async function fsckCommand(flags: { data: string; json?: boolean }): Promise<void> {
  await runCommand(flags, (reporter) =>
    withOffline(flags.data, (s) => fsckRegistry(s, flags.data, (l) => reporter.progress(l))),
    (r) => [
      `checked ${r.versions} versions, ${r.blobs} blobs, a log of ${r.log_size} entries`,
      ...r.problems.map((p) => `problem[${p.code}] ${p.target}: ${p.message}`),
      ...r.warnings.map((w) => `warning[${w.code}] ${w.target}: ${w.message}`),
      r.problems.length === 0 ? 'ok' : `${r.problems.length} problems`,
    ], (r) => (r.problems.length === 0 ? 0 : 1));
}

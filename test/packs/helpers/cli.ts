/**
 * Runs the real `cordum` CLI (bin/cordum.js over the esbuild bundle in
 * dist/), building it first when dist/ is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The entry point; CORDUM_CLI_BIN points elsewhere when debugging a bundle. */
const BIN = process.env.CORDUM_CLI_BIN ?? join(ROOT, 'bin', 'cordum.js');

export function ensureBuilt(): void {
  if (process.env.CORDUM_CLI_BIN || existsSync(join(ROOT, 'dist', 'cordum.js'))) return;
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8',
    timeout: 120_000 });
  if (build.status !== 0) {
    throw new Error(`npm run build failed (${build.status}):\n${build.stdout}\n${build.stderr}`);
  }
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cordum(args: string[], cwd: string = ROOT): CliRun {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Runs with `--json` and parses stdout. */
export function cordumJson<T = Record<string, unknown>>(args: string[], cwd?: string) {
  const run = cordum([...args, '--json'], cwd);
  let json: T;
  try {
    json = JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  return { ...run, json };
}

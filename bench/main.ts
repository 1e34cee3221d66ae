/**
 * `npm run bench`: every benchmark, each printing a table. PostgreSQL rows
 * run on a throw-away server started here, or on the server
 * CORDUM_BENCH_DATABASE_URL names, in a scratch database of each benchmark's own.
 * With more than one benchmark to run, each runs in a fresh process of its
 * own, one after another, so that none measures what an earlier one left
 * behind (its heap, its embedded databases, its compiled code).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { overUnixSocket, startThrowawayPostgres } from '../test/setup/postgres.js';
import { runPolicyBench } from './policy.js';
import { runEngineBench } from './engine.js';
import { runKernelBench } from './kernel.js';
import { runMarketplaceBench } from './marketplace.js';
import { runProviderBench } from './provider.js';
import { runRegistryBench } from './registry.js';
import { runRegistryVsVerdaccio } from './registry-vs-verdaccio.js';
import { scratchDatabase } from './scratch_database.js';

// Every folder a benchmark makes (databases, registries, servers' data) goes in one scratch
// folder that is removed when the run ends; the postgres user must be able to enter it.
const scratch = mkdtempSync(join(tmpdir(), 'cordum-bench-run-'));
chmodSync(scratch, 0o755);
process.env.TMPDIR = scratch;
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

const root = resolve(process.argv[2] ?? '.');
const cli = resolve(root, 'bin', 'cordum.js');
const only = process.argv.slice(3);
const want = (name: string) => only.length === 0 || only.includes(name);

/**
 * A PostgreSQL for the rows that need one: given, or a throw-away server when
 * we can. `socketUrl` reaches the same database through the server's Unix
 * socket, when its folder is known (CORDUM_BENCH_DATABASE_SOCKET_DIR for a given one).
 */
interface BenchPostgres {
  url?: string;
  socketUrl?: string;
  stop(): Promise<void>;
}

async function postgresUrl(): Promise<BenchPostgres> {
  const given = process.env.CORDUM_BENCH_DATABASE_URL;
  if (given) {
    const scratch = await scratchDatabase(given);
    const dir = process.env.CORDUM_BENCH_DATABASE_SOCKET_DIR;
    return {
      url: scratch.url,
      ...(dir ? { socketUrl: overUnixSocket(scratch.url, dir) } : {}),
      stop: () => scratch.drop(),
    };
  }
  try {
    const pg = await startThrowawayPostgres(mkdtempSync(join(tmpdir(), 'cordum-bench-pg-')));
    return { url: pg.url, socketUrl: overUnixSocket(pg.url, pg.socketDir), stop: () => pg.stop() };
  } catch (err) {
    process.stderr.write(`bench: no PostgreSQL rows (${(err as Error).message.split('\n')[0]})\n`);
    return { stop: async () => undefined };
  }
}

const BENCHMARKS = ['policy', 'kernel', 'registry', 'provider', 'marketplace', 'engine',
  'verdaccio'];
const unknown = only.filter((name) => !BENCHMARKS.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`bench: no benchmark ${unknown.join(', ')} ` +
    `(have: ${BENCHMARKS.join(', ')})\n`);
  process.exit(2);
}

/** Runs one benchmark in a child process of this script; its exit code. */
function runAlone(name: string): Promise<number | null> {
  const child = spawn(process.execPath, [process.argv[1]!, root, name], { stdio: 'inherit' });
  return new Promise((done) => child.once('exit', done));
}

if (only.length !== 1) {
  for (const name of BENCHMARKS.filter(want)) {
    const code = await runAlone(name);
    if (code !== 0) {
      process.stderr.write(`bench: ${name} failed (exit ${code})\n`);
      process.exitCode = 1;
    }
  }
} else {
  await runOne(only[0]!);
}

async function runOne(name: string): Promise<void> {
  if (name === 'policy') runPolicyBench(root);
  if (name === 'kernel') await runKernelBench(root);
  if (name === 'registry') await withPostgres((url) => runRegistryBench(root, cli, url));
  if (name === 'provider') await withPostgres((url) => runProviderBench(root, cli, url));
  if (name === 'marketplace') await withPostgres((url) => runMarketplaceBench(root, cli, url));
  if (name === 'engine') {
    await withPostgres((url, socketUrl) => runEngineBench(root, url, socketUrl));
  }
  if (name === 'verdaccio') {
    const given = process.env.CORDUM_BENCH_DATABASE_URL;
    const scratch = given ? await scratchDatabase(given) : undefined;
    try {
      await runRegistryVsVerdaccio(root, scratch?.url);
    } finally {
      await scratch?.drop();
    }
  }
}

/** Runs `bench` with a PostgreSQL URL when there is one, stopping a throw-away server after. */
async function withPostgres(
  bench: (url: string | undefined, socketUrl: string | undefined) => Promise<void>,
): Promise<void> {
  const pg = await postgresUrl();
  try {
    await bench(pg.url, pg.socketUrl);
  } finally {
    await pg.stop();
  }
}


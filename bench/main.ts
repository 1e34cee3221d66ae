/**
 * `npm run bench`: every benchmark, each printing a table. PostgreSQL rows
 * run on a throw-away server started here, or on the server
 * CORDUM_BENCH_DATABASE_URL names, in a scratch database of each benchmark's own.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startThrowawayPostgres } from '../test/setup/postgres.js';
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

/** A PostgreSQL for the rows that need one: given, or a throw-away server when we can. */
async function postgresUrl(): Promise<{ url?: string; stop(): Promise<void> }> {
  const given = process.env.CORDUM_BENCH_DATABASE_URL;
  if (given) {
    const scratch = await scratchDatabase(given);
    return { url: scratch.url, stop: () => scratch.drop() };
  }
  try {
    const pg = await startThrowawayPostgres(mkdtempSync(join(tmpdir(), 'cordum-bench-pg-')));
    return { url: pg.url, stop: () => pg.stop() };
  } catch (err) {
    process.stderr.write(`bench: no PostgreSQL rows (${(err as Error).message.split('\n')[0]})\n`);
    return { stop: async () => undefined };
  }
}

if (want('policy')) runPolicyBench(root);
if (want('kernel')) await runKernelBench(root);
/** Runs `bench` with a PostgreSQL URL when there is one, stopping a throw-away server after. */
async function withPostgres(bench: (url: string | undefined) => Promise<void>): Promise<void> {
  const pg = await postgresUrl();
  try {
    await bench(pg.url);
  } finally {
    await pg.stop();
  }
}

if (want('registry')) await withPostgres((url) => runRegistryBench(root, cli, url));
if (want('provider')) await withPostgres((url) => runProviderBench(root, cli, url));
if (want('marketplace')) await withPostgres((url) => runMarketplaceBench(root, cli, url));
if (want('engine')) await withPostgres((url) => runEngineBench(root, url));
if (want('verdaccio')) {
  const given = process.env.CORDUM_BENCH_DATABASE_URL;
  const scratch = given ? await scratchDatabase(given) : undefined;
  try {
    await runRegistryVsVerdaccio(root, scratch?.url);
  } finally {
    await scratch?.drop();
  }
}

/**
 * A database of its own for one benchmark on a PostgreSQL server someone
 * gave (CORDUM_BENCH_DATABASE_URL): made empty before the benchmark and
 * dropped after it, so a run neither leaves its rows in that database nor
 * measures against what earlier runs left there (the engine bench alone
 * writes some 15,000 runs a time). Without the right to make a database,
 * the given one is used as it is, and stderr says so.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

async function asAdmin(url: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

export async function scratchDatabase(given: string): Promise<ScratchDatabase> {
  const name = `cordum_bench_${randomBytes(6).toString('hex')}`;
  try {
    await asAdmin(given, `CREATE DATABASE ${name}`);
  } catch (err) {
    process.stderr.write(
      `bench: using ${new URL(given).pathname.slice(1) || 'the given database'} as it is ` +
        `(could not create a scratch database: ${(err as Error).message})\n`,
    );
    return { url: given, drop: async () => undefined };
  }
  const url = new URL(given);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // WITH (FORCE) ends connections a failed benchmark left open.
    drop: () => asAdmin(given, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

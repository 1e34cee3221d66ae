/**
 * `npm run bench`: every benchmark, each printing a table. PostgreSQL rows
 * appear when CORDUM_BENCH_DATABASE_URL names a server.
 */
import { resolve } from 'node:path';
import { runPolicyBench } from './policy.js';
import { runRegistryBench } from './registry.js';

const root = resolve(process.argv[2] ?? '.');
const cli = resolve(root, 'bin', 'cordum.js');
const only = process.argv.slice(3);
const want = (name: string) => only.length === 0 || only.includes(name);

if (want('policy')) runPolicyBench(root);
if (want('registry')) await runRegistryBench(root, cli, process.env.CORDUM_BENCH_DATABASE_URL);

/**
 * `cordum engine serve` with a DATABASE_URL that reaches PostgreSQL through
 * its Unix socket (`?host=<socket folder>`), as a server on the same machine
 * is often reached: the store and the run queue (graphile-worker) both work
 * through it. Real CLI, real PostgreSQL, a real HTTP worker on loopback.
 */
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { postgresBackend } from '../helpers/databases.js';
import { overUnixSocket } from '../setup/postgres.js';
import { countingWorker, echoProject, post, serve, stop, until, type RunBody } from './serving.js';

const socketDir = inject('postgresSocketDir');

describe('engine serve on PostgreSQL through its Unix socket', () => {
  // A server given by CORDUM_TEST_DATABASE_URL says where its socket is with
  // CORDUM_TEST_DATABASE_SOCKET_DIR (.ci/run does); without it there is none to use.
  it.skipIf(socketDir === '')('runs a workflow to its end', async () => {
    const worker = await countingWorker(0);
    const { url } = await postgresBackend.fresh();
    const viaSocket = overUnixSocket(url!, socketDir);
    // pg reads the URL as the engine does: no client address means a Unix socket.
    const probe = new pg.Client({ connectionString: viaSocket });
    await probe.connect();
    const { rows } = await probe.query('SELECT inet_client_addr() AS addr');
    await probe.end();
    expect(rows).toEqual([{ addr: null }]);
    const s = await serve(await echoProject(worker.url), [], { DATABASE_URL: viaSocket });
    try {
      const res = await post(`${s.url}/v1/runs`,
        { workflow_id: 'echo-tools.greet', input: { name: 'socket' } });
      expect(res.status).toBe(202);
      const { run_id: id } = (await res.json()) as { run_id: string };
      const run = await until('the run to end', async () => {
        const body = (await (await fetch(`${s.url}/v1/runs/${id}`)).json()) as RunBody;
        return ['succeeded', 'failed'].includes(body.run.status) ? body : undefined;
      });
      expect(run.run.status).toBe('succeeded');
      expect(run.steps.map((step) => step.status)).toEqual(['succeeded', 'succeeded']);
      expect([...worker.counts.values()]).toEqual([1, 1]);
    } finally {
      await stop(s, 'SIGTERM');
      await worker.close();
    }
  });
});

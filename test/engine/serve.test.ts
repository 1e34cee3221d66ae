/**
 * `cordum engine serve` end to end: the real CLI in child processes over a
 * project with a real pack installed, jobs sent to an HTTP worker on
 * 127.0.0.1 that counts them by idempotency key. A serve process is killed
 * with SIGKILL mid-run; a new one takes the run over once its lease runs
 * out, and no step that had finished runs again. What operators see (logs,
 * spans, refusals) is serve_operations.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { EXAMPLE_PACKS, installedProject } from './project.js';
import {
  countingWorker, post, serve, stop, until, type CountingWorker, type RunBody,
} from './serving.js';

describe.each(backends())(
  'cordum engine serve on $name',
  (backend) => {
    let project: string;
    let worker: CountingWorker;
    let env: Record<string, string>;
    let data: string[];

    beforeAll(async () => {
      worker = await countingWorker(1500);
      project = await installedProject([join(EXAMPLE_PACKS, 'echo-tools')]);
      writeFileSync(
        join(project, 'cordum.deployment.yaml'),
        `apiVersion: cordum.io/v1alpha1
kind: Deployment
metadata: { name: local }
spec:
  handlers:
    - topics: ["job.echo-tools.*"]
      http: { url: "${worker.url}" }
`,
      );
      const target = await backend.fresh();
      env = target.url ? { DATABASE_URL: target.url } : {};
      data = ['--data', target.dataDir];
    });
    afterAll(async () => worker.close());

    it('answers health, readiness and run routes, and cancels a run', async () => {
      const s = await serve(project, [...data, '--lease-ms', '1500', '--poll-ms', '200'], env);
      try {
        expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
        expect(await (await fetch(`${s.url}/readyz`)).json()).toEqual({ status: 'ready' });
        const missing = await fetch(`${s.url}/v1/runs/nope`);
        expect(missing.status).toBe(404);
        expect(await missing.json()).toMatchObject({ code: 'run_not_found' });

        // Input that is not an object, or holds text the database cannot store, is refused
        // before anything is recorded (a NUL used to fail every later read of the runs).
        const text = await post(`${s.url}/v1/runs`,
          { workflow_id: 'echo-tools.greet', input: 'x' });
        expect(text.status).toBe(422);
        expect(await text.json()).toMatchObject({ code: 'input_invalid' });
        const nul = await fetch(`${s.url}/v1/runs`, { method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"workflow_id":"echo-tools.greet","input":{"name":"a\\u0000b"}}' });
        expect(nul.status).toBe(400);
        expect(await nul.json()).toMatchObject({ code: 'request_invalid' });
        expect((await fetch(`${s.url}/v1/runs`)).status).toBe(200);
        for (const limit of ['-1', 'abc', '100000']) {
          const listed = await fetch(`${s.url}/v1/runs?limit=${limit}`);
          expect(listed.status, limit).toBe(400);
          expect(await listed.json()).toMatchObject({ code: 'request_invalid',
            detail: `?limit must be a whole number from 1 to 1000, not "${limit}"` });
        }

        const started = await post(`${s.url}/v1/runs`, {
          workflow_id: 'echo-tools.greet',
          input: { name: 'bo' },
        });
        expect(started.status).toBe(202);
        const { run_id: id } = (await started.json()) as { run_id: string };
        await until('the first job', async () =>
          worker.counts.has(`${id}:hello:1`) ? true : undefined,
        );
        // The run is taken from the queue while its job is out (1.5 s); none waits.
        const depth = await (await fetch(`${s.url}/metrics`)).text();
        expect(depth).toContain('cordum_engine_queue_depth{state="taken"} 1\n');
        expect(depth).toContain('cordum_engine_queue_depth{state="waiting"} 0\n');
        const cancelled = await post(`${s.url}/v1/runs/${id}/cancel`, {});
        expect(cancelled.status).toBe(200);
        const body = await until('the cancel', async () => {
          const view = (await (await fetch(`${s.url}/v1/runs/${id}`)).json()) as RunBody;
          return view.run.status === 'cancelled' ? view : undefined;
        });
        expect(body.steps.map((st) => st.status)).toEqual(['cancelled', 'cancelled']);
        const list = (await (await fetch(`${s.url}/v1/runs`)).json()) as
          { runs: { id: string }[] };
        expect(list.runs.map((r) => r.id)).toContain(id);
        // The step's decision went through the kernel: counted, and versioned on the step.
        const metrics = await (await fetch(`${s.url}/metrics`)).text();
        expect(metrics)
          .toMatch(/cordum_policy_decisions_total\{decision="\w+",rule="[^"]*"\} [1-9]/);
        expect(body.steps[0]).toMatchObject({ decision: { snapshot_version: 1 } });
      } finally {
        await stop(s, 'SIGTERM');
      }
    });

    it('takes a run over after kill -9 without running a finished step again', async () => {
      const flags = [...data, '--lease-ms', '1500', '--poll-ms', '200'];
      const first = await serve(project, flags, env);
      const started = await post(`${first.url}/v1/runs`, {
        workflow_id: 'echo-tools.greet',
        input: { name: 'ana' },
      });
      const { run_id: id } = (await started.json()) as { run_id: string };
      // `hello` has finished once `reply` was sent: kill the engine then.
      await until('the second job', async () =>
        worker.counts.has(`${id}:reply:1`) ? true : undefined,
      );
      await stop(first, 'SIGKILL');

      const second = await serve(project, flags, env);
      try {
        const view = await until('the run to finish', async () => {
          const res = await fetch(`${second.url}/v1/runs/${id}`);
          const body = (await res.json()) as RunBody;
          return body.run.status === 'succeeded' ? body : undefined;
        });
        expect(view.steps.map((st) => st.status)).toEqual(['succeeded', 'succeeded']);
        expect(view.timeline.map((e) => e.type)).toContain('run_taken_over');
        expect(worker.counts.get(`${id}:hello:1`)).toBe(1);
        // The job in flight was sent again with the same key, so a worker can drop it.
        expect(worker.counts.get(`${id}:reply:1`)).toBe(2);
        expect([...worker.counts.keys()].filter((k) => k.startsWith(id))).toHaveLength(2);
      } finally {
        await stop(second, 'SIGTERM');
      }
    });
  },
  120_000,
);

interface RunEvents {
  run: { status: string };
  timeline: { type: string; details?: { owner?: string } }[];
}

describe('two cordum engine serve processes on one PostgreSQL', () => {
  it('share runs through graphile-worker; one killed, every run finishes once', async () => {
    const backend = backends().find((b) => b.name === 'postgres')!;
    const worker = await countingWorker(400);
    const project = await installedProject([join(EXAMPLE_PACKS, 'echo-tools')]);
    writeFileSync(
      join(project, 'cordum.deployment.yaml'),
      `apiVersion: cordum.io/v1alpha1
kind: Deployment
spec:
  handlers:
    - topics: ["job.echo-tools.*"]
      http: { url: "${worker.url}" }
`,
    );
    const env = { DATABASE_URL: (await backend.fresh()).url! };
    const flags = ['--lease-ms', '1500', '--poll-ms', '300', '--concurrency', '2'];
    const a = await serve(project, flags, env);
    const b = await serve(project, flags, env);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await post(`${a.url}/v1/runs`, {
          workflow_id: 'echo-tools.greet',
          input: { name: `n${i}` },
        });
        ids.push(((await res.json()) as { run_id: string }).run_id);
      }
      await until('a few jobs', async () => (worker.answered() >= 3 ? true : undefined));
      await stop(a, 'SIGKILL');
      const sentBeforeKill = [...worker.counts.values()].reduce((x, y) => x + y, 0);

      const views = await until(
        'every run',
        async () => {
          const all = await Promise.all(
            ids.map(
              async (id) => (await (await fetch(`${b.url}/v1/runs/${id}`)).json()) as RunEvents,
            ),
          );
          return all.every((v) => v.run.status === 'succeeded') ? all : undefined;
        },
        60_000,
      );
      const owners = new Set(
        views.flatMap((v) => v.timeline.map((e) => e.details?.owner).filter(Boolean)),
      );
      expect(owners.size).toBeGreaterThanOrEqual(2);
      // Each run sent two jobs. Only a job sent before the kill can go out again (in flight, or
      // answered but not yet recorded by the killed process), and then only once more.
      const total = [...worker.counts.values()].reduce((x, y) => x + y, 0);
      expect(total).toBeLessThanOrEqual(2 * ids.length + sentBeforeKill);
      expect(Math.max(...worker.counts.values())).toBeLessThanOrEqual(2);
      expect(worker.counts.size).toBe(2 * ids.length);
      for (const id of ids) {
        expect(worker.counts.get(`${id}:hello:1`)).toBeGreaterThanOrEqual(1);
        expect(worker.counts.get(`${id}:reply:1`)).toBeGreaterThanOrEqual(1);
      }
    } finally {
      await stop(a, 'SIGKILL');
      await stop(b, 'SIGTERM');
      await worker.close();
    }
  }, 120_000);
});

/**
 * The four real Cordum packs, installed from a real registry process, run
 * by the real engine CLI with their worker topics served by an HTTP worker
 * on loopback. Writes wait for approval; approving them finishes the runs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { cordum, json, publishSigned, SHARED_PACKS, startRegistry, stopAll }
  from '../helpers/cli.js';

interface Job {
  topic: string;
  step_id: string;
  input: Record<string, unknown>;
  idempotency_key: string;
}

interface RunView {
  run_id: string;
  status: string;
  steps: { step_id: string; status: string; decision?: { decision: string; rule_id?: string } }[];
}

/** A worker that answers every job with output valid for all four packs' schemas. */
async function startWorker(): Promise<{ url: string; jobs: Job[]; server: Server }> {
  const jobs: Job[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const job = JSON.parse(body) as Job & { job_id: string };
      jobs.push(job);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        job_id: job.job_id, echo: String(job.input.message ?? job.input.title ?? ''),
        received_at: new Date().toISOString(), action: String(job.input.action ?? 'done'),
        status_code: 200, result: { ok: true, topic: job.topic },
      }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jobs`, jobs, server };
}

const RUNS: { workflow: string; input: object; approve?: string }[] = [
  { workflow: 'hello-pack.echo', input: { message: 'hi', author: 'ada' } },
  { workflow: 'demo-guardrails.approval', input: { message: 'ship', actor: 'ada' },
    approve: 'write' },
  { workflow: 'github.issue.create', input: { owner: 'o', repo: 'r', title: 'Bug' },
    approve: 'create' },
  { workflow: 'slack.read', input: { action: 'conversations.list' } },
  { workflow: 'slack.write', input: { action: 'chat.postMessage', params: { text: 'hi' } },
    approve: 'write' },
];

describe.each(backends())('real packs run on $name', (backend) => {
  let project: string;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  // The engine keeps its own database: PostgreSQL when the backend is, else PGlite.
  let engineEnv: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    const reg = await startRegistry(backend);
    const env = { CORDUM_REGISTRY: reg.url, CORDUM_TOKEN: reg.token };
    const names = ['demo-guardrails', 'github', 'hello-pack', 'slack'];
    const work = await publishSigned(reg, names.map((n) => join(SHARED_PACKS, n)));
    project = join(work, 'project');
    json(await cordum(['pack', 'install', ...names, '--project', project, '--json'], { env }));
    worker = await startWorker();
    writeFileSync(join(project, 'cordum.deployment.yaml'), [
      'apiVersion: cordum.io/v1alpha1', 'kind: Deployment', 'metadata: { name: real }',
      'spec:', '  handlers:', '    - topics: ["job.*.*"]', `      http: { url: "${worker.url}" }`,
      '',
    ].join('\n'));
    const db = await backend.fresh();
    if (db.url) engineEnv = { DATABASE_URL: db.url };
  });
  afterAll(async () => {
    worker?.server.close();
    await stopAll();
  });

  it.each(RUNS)('runs $workflow', async ({ workflow, input, approve }) => {
    const started = json<RunView>(await cordum(['engine', 'run', workflow, '--input',
      JSON.stringify(input), '--json'], { cwd: project, env: engineEnv }));
    let finished = started;
    if (approve) {
      expect(started.status).toBe('waiting');
      const waiting = started.steps.find((s) => s.step_id === approve);
      expect(waiting?.status).toBe('waiting');
      expect(waiting?.decision?.decision).toBe('require_approval');
      finished = json<RunView>(await cordum(['engine', 'approve', started.run_id, approve,
        '--json'], { cwd: project, env: engineEnv }));
    }
    expect(finished.status).toBe('succeeded');
    expect(finished.steps.every((s) => s.status === 'succeeded')).toBe(true);
    const mine = worker.jobs.filter((j) => j.idempotency_key.startsWith(started.run_id));
    expect(mine.length).toBe(finished.steps.length);
    expect(mine.every((j) => j.topic.startsWith('job.'))).toBe(true);
  });
});

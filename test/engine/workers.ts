/**
 * Real workers for the handler suites: an HTTP server on 127.0.0.1 and a
 * Node script run as a child process. Both answer from the job they get.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

export interface HttpWorker {
  url: string;
  jobs: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

/**
 * Answers `{ echo, job_id, received_at, constraints }`. The job's input
 * steers it: `fail_first: n` answers 500 to the first n attempts,
 * `fail_calls: n` 503 to the first n calls with one `idempotency-key`,
 * `sleep_ms` delays the answer, `status` forces a status, `raw` a body
 * (`nul` ends it with a NUL byte, `type` is its content type).
 */
export async function startHttpWorker(): Promise<HttpWorker> {
  const jobs: HttpWorker['jobs'] = [];
  const calls = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      jobs.push({ headers: req.headers, body });
      const input = (body.input ?? {}) as Record<string, unknown>;
      const answer = () => {
        if (typeof input.raw === 'string') {
          const type = typeof input.type === 'string' ? { 'content-type': input.type } : {};
          res.writeHead(Number(input.status ?? 200), type);
          res.end(input.nul ? `${input.raw}\0` : input.raw);
          return;
        }
        const key = String(req.headers['idempotency-key']);
        calls.set(key, (calls.get(key) ?? 0) + 1);
        const failing = Number(input.fail_first ?? 0) >= Number(body.attempt);
        const unavailable = Number(input.fail_calls ?? 0) >= calls.get(key)!;
        const status = unavailable ? 503 : failing ? 500 : Number(input.status ?? 200);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            status === 200
              ? {
                  echo: input.message,
                  job_id: body.job_id,
                  received_at: new Date().toISOString(),
                  constraints: body.constraints,
                }
              : { error: `status ${status}` },
          ),
        );
      };
      setTimeout(answer, Number(input.sleep_ms ?? 0));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jobs`,
    jobs,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const EXEC_WORKER = `
let text = '';
process.stdin.on('data', (c) => (text += c));
process.stdin.on('end', () => {
  const job = JSON.parse(text);
  const input = job.input ?? {};
  if (input.exit) {
    process.stderr.write('worker refused: ' + input.message + (input.nul ? '\\0' : '') + '\\n');
    process.exit(input.exit);
  }
  if (input.garbage) {
    process.stdout.write('not json');
    return;
  }
  const answer = () => process.stdout.write(JSON.stringify({
    echo: input.message, job_id: job.job_id, received_at: new Date().toISOString(),
    idempotency_key: job.idempotency_key, cwd: process.cwd(), env: process.env.WORKER_MODE,
  }));
  setTimeout(answer, input.sleep_ms ?? 0);
});
`;

/** Writes the exec worker script into a new folder; returns both paths. */
export function writeExecWorker(): { dir: string; script: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cordum-exec-'));
  const script = join(dir, 'worker.mjs');
  writeFileSync(script, EXEC_WORKER);
  return { dir, script };
}

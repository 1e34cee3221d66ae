/**
 * A handler that is a local program: the job goes to its stdin as JSON,
 * its stdout is the step's output as JSON. A non-zero exit fails the job,
 * with the end of its stderr in the message. The program gets the engine's
 * environment plus the deployment's `env`, and runs without a shell.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { ExecHandlerSpec } from '../deployment.js';
import { EngineError } from '../errors.js';
import { parseOutput, withTimeout } from './output.js';
import {
  DEFAULT_HANDLER_TIMEOUT_MS,
  MAX_OUTPUT_BYTES,
  type Job,
  type JobHandler,
} from './types.js';

const STDERR_TAIL = 2000;

/** `dir` is the deployment file's folder: the default and the base of `cwd`. */
export function execHandler(spec: ExecHandlerSpec, dir: string): JobHandler {
  const name = `exec:${spec.command}`;
  const timeoutMs = spec.timeout_ms ?? DEFAULT_HANDLER_TIMEOUT_MS;
  const cwd = resolve(dir, spec.cwd ?? '.');
  return {
    name,
    async handle(job: Job, signal: AbortSignal) {
      const limit = withTimeout(signal, timeoutMs);
      try {
        const { code, stdout, stderr } = await runProcess(spec, cwd, job, limit.signal, name);
        if (code !== 0) {
          const tail = stderr.trim().slice(-STDERR_TAIL);
          throw new EngineError(
            'handler_failed',
            `${name} exited with ${code}${tail ? `: ${tail}` : ''}`,
            { details: { exit_code: code } },
          );
        }
        return parseOutput(stdout, name);
      } catch (err) {
        throw limit.explain(err, name);
      } finally {
        limit.clear();
      }
    },
  };
}

interface Finished {
  code: number | string;
  stdout: string;
  stderr: string;
}

function runProcess(
  spec: ExecHandlerSpec,
  cwd: string,
  job: Job,
  signal: AbortSignal,
  name: string,
): Promise<Finished> {
  return new Promise((done, fail) => {
    const child = spawn(spec.command, spec.args ?? [], {
      cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let failure: Error | undefined;
    const stop = (err: Error) => {
      failure ??= err;
      child.kill('SIGKILL');
    };
    const onAbort = () => stop(new Error('aborted'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_OUTPUT_BYTES) {
        stop(
          new EngineError(
            'handler_bad_output',
            `${name} wrote more than ${MAX_OUTPUT_BYTES} bytes`,
          ),
        );
      } else {
        stdout.push(chunk);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL * 2);
    });
    // A program that exits without reading its stdin is not an error of ours.
    child.stdin.on('error', () => undefined);
    child.on('error', (err) => stop(err));
    child.on('close', (code, killedBy) => {
      signal.removeEventListener('abort', onAbort);
      if (failure) fail(failure);
      else
        done({
          code: code ?? killedBy ?? 'unknown',
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr,
        });
    });
    child.stdin.end(JSON.stringify(job));
  });
}

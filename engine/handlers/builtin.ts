/**
 * Handlers that run inside the engine, for demos and tests: `echo` answers
 * what it was sent, `noop` answers an empty object.
 */
import type { BuiltinName } from '../deployment.js';
import type { Job, JobHandler } from './types.js';

type Builtin = (job: Job, now: Date) => unknown;

const BUILTINS: Record<BuiltinName, Builtin> = {
  echo: (job, now) => {
    const input = job.input as { message?: unknown } | null;
    const out: Record<string, unknown> = {
      job_id: job.job_id,
      received_at: now.toISOString(),
      input: job.input,
    };
    const message = input !== null && typeof input === 'object' ? input.message : undefined;
    if (message !== undefined) out.echo = message;
    return out;
  },
  noop: () => ({}),
};

export function builtinHandler(
  name: BuiltinName,
  clock: () => Date = () => new Date(),
): JobHandler {
  const run = BUILTINS[name];
  return {
    name: `builtin:${name}`,
    inline: true,
    async handle(job) {
      return run(job, clock());
    },
  };
}

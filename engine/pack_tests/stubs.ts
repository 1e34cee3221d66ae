/**
 * The handlers of a workflow test: each worker step gets the reply its test
 * stubs for its step id, else for its topic. One lookup serves every run of
 * one `pack test`, keyed by run id, so one engine runs all the tests.
 */
import type { WorkerStub } from '../../packs/manifest.js';
import { EngineError } from '../errors.js';
import type { HandlerLookup, Job, JobHandler } from '../handlers/types.js';

export class StubHandlers implements HandlerLookup {
  private readonly byRun = new Map<string, Record<string, WorkerStub>>();
  private readonly handler: JobHandler = {
    name: 'stub:pack-test',
    handle: async (job) => this.reply(job),
  };

  /** Sets the stubs of one run, before it is resumed. */
  stub(runId: string, workers: Record<string, WorkerStub>): void {
    this.byRun.set(runId, workers);
  }

  find(): JobHandler {
    // Every topic gets the stub handler; a step with no stub fails with a message.
    return this.handler;
  }

  private reply(job: Job): unknown {
    const workers = this.byRun.get(job.run_id) ?? {};
    const stub = workers[job.step_id] ?? workers[job.topic];
    if (!stub) {
      throw new EngineError(
        'handler_failed',
        `no stubbed worker reply for step "${job.step_id}" (topic ${job.topic})`,
      );
    }
    if (stub.error !== undefined) throw new EngineError('handler_failed', stub.error);
    return stub.output ?? {};
  }
}

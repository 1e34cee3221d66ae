/**
 * The `cordum engine ...` commands: run a workflow of the installed packs,
 * approve or reject a waiting step, and list or show runs. Their bodies
 * load on use, so `cordum --help` does not open a database.
 */
import type { Command } from 'commander';
import { runCommand } from '../cli/output.js';
import { runLines, runListLines, timelineLines, type PublicView } from './render.js';

interface Flags {
  project?: string;
  data?: string;
  deployment?: string;
  json?: boolean;
}

/**
 * Exit 1 for a run that failed, timed out or was cancelled; 0 otherwise:
 * succeeded, waiting for approval, or (after an approve) being advanced by
 * another process.
 */
function exitCode(view: PublicView): number {
  const status = view.run.status;
  return status === 'failed' || status === 'timed_out' || status === 'cancelled' ? 1 : 0;
}

function withCommon(command: Command, runsJobs: boolean): Command {
  command
    .option('--project <dir>', 'project folder holding cordum.lock', '.')
    .option(
      '--data <dir>',
      'engine data folder (default <project>/.cordum/engine; ' +
        'DATABASE_URL selects PostgreSQL instead)',
    );
  if (runsJobs) {
    command.option(
      '--deployment <file>',
      'deployment file (default <project>/cordum.deployment.yaml)',
    );
  }
  return command.option('--json', 'print the result as JSON');
}

export function registerEngineCommands(program: Command): void {
  const engine = program
    .command('engine')
    .description('Run the workflows of installed packs, gated by their policy');
  registerRunCommands(engine);
  registerRunsCommands(engine.command('runs').description('List and show runs'));
}

/** `run`, `approve` and `reject`: the commands that move runs and send jobs. */
function registerRunCommands(engine: Command): void {
  withCommon(engine.command('run <workflowId>'), true)
    .description('Start a run of a workflow and take it as far as it goes')
    .option('--input <json>', 'the run input as a JSON object')
    .option('--input-file <file>', 'the run input from a JSON or YAML file')
    .action(async (workflowId: string, opts: Flags & { input?: string; inputFile?: string }) => {
      const { runBody } = await import('./commands/bodies.js');
      await runCommand(opts, (r) => runBody(workflowId, opts, r), runLines, exitCode);
    });

  withCommon(engine.command('approve <runId> <stepId>'), true)
    .description('Approve a step that waits for approval, and resume the run')
    .option('--note <text>', 'a note kept with the approval')
    .option('--by <name>', 'who approves (default $USER)')
    .action(async (runId: string, stepId: string, opts: Flags & { note?: string; by?: string }) => {
      const { approveBody } = await import('./commands/bodies.js');
      await runCommand(opts, (r) => approveBody(runId, stepId, opts, r), runLines, exitCode);
    });

  withCommon(engine.command('reject <runId> <stepId>'), true)
    .description('Reject a step that waits for approval; the run fails')
    .option('--reason <text>', 'why, kept with the rejection')
    .option('--by <name>', 'who rejects (default $USER)')
    .action(
      async (runId: string, stepId: string, opts: Flags & { reason?: string; by?: string }) => {
        const { rejectBody } = await import('./commands/bodies.js');
        await runCommand(opts, (r) => rejectBody(runId, stepId, opts, r), runLines, exitCode);
      },
    );
}

/** `runs list` and `runs show`: read-only, they load no pack. */
function registerRunsCommands(runs: Command): void {
  withCommon(runs.command('list'), false)
    .description('List runs, newest first')
    .option('--limit <n>', 'how many', '50')
    .action(async (opts: Flags & { limit?: string }) => {
      const { listBody } = await import('./commands/bodies.js');
      await runCommand(
        opts,
        (r) => listBody(opts, r),
        (res) => runListLines(res.runs),
      );
    });

  withCommon(runs.command('show <runId>'), false)
    .description('Show a run: its steps, decisions, approvals and timeline')
    .action(async (runId: string, opts: Flags) => {
      const { showBody } = await import('./commands/bodies.js');
      await runCommand(
        opts,
        (r) => showBody(runId, opts, r),
        (res) => [
          ...runLines(res),
          'timeline:',
          ...timelineLines(res.timeline).map((l) => `  ${l}`),
        ],
      );
    });
}

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

/** `run`, `approve`, `cancel`, `input`, `serve` and `reject`, in the order help lists them. */
function registerRunCommands(engine: Command): void {
  withCommon(engine.command('run <workflowId>'), true)
    .description('Start a run of a workflow and take it as far as it goes')
    .option('--input <json>', 'the run input as a JSON object')
    .option('--input-file <file>', 'the run input from a JSON or YAML file')
    .option('--step', 'pause before each step: show its input and decision, go on at Enter')
    .action(async (workflowId: string, opts: Flags & { input?: string; inputFile?: string }) => {
      const { runBody } = await import('./commands/bodies.js');
      await runCommand(opts, (r) => runBody(workflowId, opts, r), (v) => runLines(v, opts),
        exitCode);
    });

  withCommon(engine.command('approve <runId> <stepId>'), true)
    .description('Approve a step that waits for approval, and resume the run')
    .option('--note <text>', 'a note kept with the approval')
    .option('--by <name>', 'who approves (default $USER)')
    .action(async (runId: string, stepId: string, opts: Flags & { note?: string; by?: string }) => {
      const { approveBody } = await import('./commands/bodies.js');
      await runCommand(opts, (r) => approveBody(runId, stepId, opts, r),
        (v) => runLines(v, opts), exitCode);
    });

  withCommon(engine.command('cancel <runId>'), true)
    .description('Cancel a run; a run another process advances stops there')
    .action(async (runId: string, opts: Flags) => {
      const { cancelBody } = await import('./commands/bodies.js');
      await runCommand(opts, (r) => cancelBody(runId, opts, r), (v) => runLines(v, opts));
    });

  registerInputCommand(engine);
  registerServeCommand(engine);

  withCommon(engine.command('reject <runId> <stepId>'), true)
    .description('Reject a step that waits for approval; the run fails')
    .option('--reason <text>', 'why, kept with the rejection')
    .option('--by <name>', 'who rejects (default $USER)')
    .action(
      async (runId: string, stepId: string, opts: Flags & { reason?: string; by?: string }) => {
        const { rejectBody } = await import('./commands/bodies.js');
        await runCommand(opts, (r) => rejectBody(runId, stepId, opts, r),
          (v) => runLines(v, opts), exitCode);
      },
    );
}

/** `input`: gives a waiting input step its data. */
function registerInputCommand(engine: Command): void {
  // `--data` is the step's data here, so the data folder is `--data-dir`.
  engine
    .command('input <runId> <stepId>')
    .description('Give an input step its data, and resume the run')
    .requiredOption('--data <json>', 'the data, as JSON')
    .option('--project <dir>', 'project folder holding cordum.lock', '.')
    .option('--data-dir <dir>', 'engine data folder (default <project>/.cordum/engine; ' +
      'DATABASE_URL selects PostgreSQL instead)')
    .option('--deployment <file>', 'deployment file (default <project>/cordum.deployment.yaml)')
    .option('--json', 'print the result as JSON')
    .action(
      async (runId: string, stepId: string, opts: Flags & { data: string; dataDir?: string }) => {
        const { inputBody } = await import('./commands/bodies.js');
        const flags: Flags & { value: string } = { ...opts, value: opts.data };
        if (opts.dataDir !== undefined) flags.data = opts.dataDir;
        else delete flags.data;
        await runCommand(opts, (r) => inputBody(runId, stepId, flags, r),
          (v) => runLines(v, { project: opts.project, data: opts.dataDir }), exitCode);
      },
    );
}

/** `serve`: the HTTP API, the poller and, with --registry, the deployment it follows. */
function registerServeCommand(engine: Command): void {
  engine
    .command('serve')
    .description('Serve the HTTP API (runs, approvals, input) and resume due runs')
    .option('--project <dir>', 'project folder holding cordum.lock', '.')
    .option('--data <dir>', 'engine data folder (default <project>/.cordum/engine; ' +
      'DATABASE_URL selects PostgreSQL instead)')
    .option('--deployment <file|name>', 'deployment file (default ' +
      '<project>/cordum.deployment.yaml); with --registry, the registry deployment to follow')
    .option('--registry <url>', 'follow a registry deployment: pull its pinned packs, verify ' +
      'them and hot-swap the policy (token from CORDUM_TOKEN)')
    .option('--handlers <file>', 'with --registry: the handlers file (default ' +
      '<project>/cordum.deployment.yaml)')
    .option('--keys <dir>', 'with --registry: trusted publisher keys <keyId>.pem')
    .option('--follow-ms <n>', 'with --registry: how often to poll the deployment (default ' +
      '2000, at least 100)')
    .option('--profile', 'enable the admin CPU-profile endpoint (CORDUM_ENGINE_ADMIN_TOKEN)')
    .option('--port <n>', 'port to listen on, on --host (0 picks a free one)', '8787')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--lease-ms <n>', 'how long a claim on a run lasts unrenewed (default 30000, ' +
      'at least 100)')
    .option('--poll-ms <n>', 'how often to look for due runs (default 1000; 0 turns ' +
      'the poller off)')
    .option('--concurrency <n>', 'steps of one run at once (default 4, at least 1)')
    .option('--decision-retention-days <n>', 'days recorded policy decisions are kept, ' +
      'pruned hourly (0 keeps them forever)', '30')
    .option('--log-level <level>', 'JSON log lines on stderr: debug, info, warn or error',
      'info')
    .action(async (opts: Record<string, string | undefined>) => {
      const { serveBody } = await import('./commands/serve.js');
      await runCommand({}, (r) => serveBody(opts, r), () => []);
    });
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
          ...runLines(res, opts),
          'timeline:',
          ...timelineLines(res.timeline).map((l) => `  ${l}`),
        ],
      );
    });
}

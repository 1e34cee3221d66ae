/**
 * The bodies of the `cordum engine` commands, loaded only when one runs.
 * Each opens the engine, does one thing, closes it and answers a value
 * that `runCommand` prints.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { assertPathFlag, type Reporter } from '../../cli/output.js';
import { publicRun, publicView, type PublicRun, type PublicView } from '../render.js';
import type { TimelineEvent } from '../records.js';
import { jsonFlag } from '../../cli/json_flag.js';
import { isPackError, PackError } from '../../packs/errors.js';
import { listLimit } from '../run_input.js';
import { EngineError } from '../errors.js';
import {
  engineDataDir, openEngine, type EngineFlags, type EngineTuning, type OpenEngine,
} from '../wiring.js';
import { stdinDebugger } from './debugger.js';
import { readRunInput } from './input.js';
import { cancelOnInterrupt } from './interrupt.js';

interface EngineUse<T> {
  tuning?: EngineTuning;
  /**
   * What a command about runs already made answers when its database does not exist: it
   * makes none (seconds, and a folder left behind) only to find no run in it.
   */
  noDatabase?: (dir: string) => T;
}

async function withEngine<T>(
  flags: EngineFlags,
  packs: boolean,
  reporter: Reporter,
  body: (open: OpenEngine) => Promise<T>,
  use: EngineUse<T> = {},
): Promise<T> {
  // An empty --data would put the database in the current folder.
  assertPathFlag(flags.data, '--data');
  const dir = engineDataDir(resolve(flags.project ?? '.'), flags);
  if (use.noDatabase && dir !== undefined && !existsSync(dir)) return use.noDatabase(dir);
  const options: Parameters<typeof openEngine>[1] = {
    packs,
    progress: (l) => reporter.progress(l),
  };
  if (use.tuning) options.tuning = use.tuning;
  const open = await openEngine(flags, options);
  try {
    return await body(open);
  } catch (err) {
    // A run made with another --data is not in this database: say which one was looked in.
    if (!(err instanceof EngineError) || err.code !== 'run_not_found') throw err;
    const where = dir ? `the engine database ${dir}` : 'the DATABASE_URL database';
    throw new EngineError('run_not_found', `${err.message} in ${where}`, { cause: err });
  } finally {
    await open.close();
  }
}

/** A command about run `runId`, given a database that does not exist. */
function noRun(runId: string): (dir: string) => never {
  return (dir) => {
    throw new EngineError('run_not_found', `no run ${runId}: the engine database ${dir} ` +
      'does not exist, so no run was made with it (give the --data the run was made with, or ' +
      'set DATABASE_URL)');
  };
}

export async function runBody(
  workflowId: string,
  flags: EngineFlags & { input?: string; inputFile?: string; step?: boolean },
  reporter: Reporter,
): Promise<PublicView> {
  // The input is the command line's: a wrong one is refused before the database is opened
  // (or created), so a folder held by `engine serve` does not hide the usage error.
  const input = await readRunInput(flags);
  const debug = flags.step ? stdinDebugger() : undefined;
  try {
    const tuning: EngineTuning = debug ? { beforeStep: debug.beforeStep, concurrency: 1 } : {};
    return await withEngine(
      flags,
      true,
      reporter,
      async ({ engine }) => {
        debug?.stopWith((runId) => engine.cancel(runId).catch(() => undefined));
        // A paused step waits for the debugger's next line: end its input as well.
        const interrupt = cancelOnInterrupt((runId) => {
          debug?.close('input interrupted (Ctrl-C)');
          return engine.cancel(runId);
        });
        try {
          const recorded = (runId: string) => {
            interrupt.track(runId);
            reporter.progress(`run ${runId} started (Ctrl-C cancels it)`);
          };
          return publicView(await engine.start(workflowId, input, recorded));
        } finally {
          interrupt.release();
        }
      },
      { tuning },
    );
  } finally {
    debug?.close();
  }
}

export function cancelBody(runId: string, flags: EngineFlags, reporter: Reporter) {
  return withEngine(flags, true, reporter, async ({ engine }) =>
    publicView(await engine.cancel(runId)), { noDatabase: noRun(runId) });
}

export async function inputBody(
  runId: string,
  stepId: string,
  flags: EngineFlags & { value: string },
  reporter: Reporter,
): Promise<PublicView> {
  const data = dataFlag(flags.value);
  return withEngine(flags, true, reporter, async ({ engine }) =>
    publicView(await engine.giveInput(runId, stepId, data)), { noDatabase: noRun(runId) });
}

/**
 * `engine input --data`, the step's data. Every other engine command takes the engine data
 * folder as `--data`, so a folder given here (a path, which is no JSON) is told where it goes.
 */
function dataFlag(text: string): unknown {
  try {
    return jsonFlag(text, '--data');
  } catch (err) {
    if (!isPackError(err) || err.code !== 'usage' || !isPath(text)) throw err;
    throw new PackError('usage', `${err.message}: --data is the step's data as JSON here; ` +
      'engine input takes the engine data folder as --data-dir', { cause: err });
  }
}

/** Text that names a folder or reads as a path (no JSON starts with `/`, `.` or `~`). */
function isPath(text: string): boolean {
  if (/^(?:~|\.{0,2}\/)/.test(text)) return true;
  try {
    return statSync(text, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    return false; // a name too long for a path, say: no folder
  }
}

export function approveBody(
  runId: string,
  stepId: string,
  flags: EngineFlags & { note?: string; by?: string },
  reporter: Reporter,
): Promise<PublicView> {
  return withEngine(flags, true, reporter, async ({ engine }) =>
    publicView(await engine.approve(runId, stepId, decidedBy(flags.note, flags.by))),
  { noDatabase: noRun(runId) });
}

export function rejectBody(
  runId: string,
  stepId: string,
  flags: EngineFlags & { reason?: string; by?: string },
  reporter: Reporter,
): Promise<PublicView> {
  return withEngine(flags, true, reporter, async ({ engine }) =>
    publicView(await engine.reject(runId, stepId, decidedBy(flags.reason, flags.by))),
  { noDatabase: noRun(runId) });
}

export async function listBody(
  flags: EngineFlags & { limit?: string },
  reporter: Reporter,
): Promise<{ runs: PublicRun[] }> {
  const limit = listLimit(flags.limit, '--limit');
  return withEngine(flags, false, reporter, async ({ engine }) => ({
    runs: (await engine.list(limit)).map(publicRun),
  }), { noDatabase: () => ({ runs: [] }) });
}

export function showBody(
  runId: string,
  flags: EngineFlags,
  reporter: Reporter,
): Promise<PublicView & { timeline: TimelineEvent[] }> {
  return withEngine(flags, false, reporter, async ({ engine }) => ({
    ...publicView(await engine.view(runId)),
    timeline: await engine.timeline(runId),
  }), { noDatabase: noRun(runId) });
}

function decidedBy(note: string | undefined, by: string | undefined) {
  const decided: { note?: string; by?: string } = {};
  if (note !== undefined) decided.note = note;
  const who = by ?? process.env.USER;
  if (who) decided.by = who;
  return decided;
}

/** How runs read on a terminal, and as JSON without the bulky copy of the workflow. */
import { shellWord } from '../cli/output.js';
import type { RunRecord, RunView, StepRecord, TimelineEvent } from './records.js';

export type PublicRun = Omit<RunRecord, 'workflow'>;
export interface PublicView {
  /** The run's id and status again at the top, for scripts (`jq -r .run_id`). */
  run_id: string;
  status: RunRecord['status'];
  run: PublicRun;
  steps: StepRecord[];
  approvals: RunView['approvals'];
}

/** The view commands print with `--json`: the run without its workflow copy. */
export function publicView(view: RunView): PublicView {
  const run = publicRun(view.run);
  return { run_id: run.id, status: run.status, run, steps: view.steps, approvals: view.approvals };
}

export function publicRun(run: RunRecord): PublicRun {
  const { workflow: _workflow, ...rest } = run;
  return rest;
}

/** Where the run is kept, as given on the command line: what its next commands need again. */
export interface RunPlace {
  project?: string;
  data?: string;
}

/** ` --project P --data D` (`--data-dir` for `engine input`), the flags that were given. */
function placeFlags(place: RunPlace, dataFlag: string): string {
  const flags = [];
  if (place.project !== undefined && place.project !== '.') {
    flags.push(` --project ${shellWord(place.project)}`);
  }
  if (place.data !== undefined) flags.push(` ${dataFlag} ${shellWord(place.data)}`);
  return flags.join('');
}

/**
 * `run <id> <workflow>: <status>`, a line per step, then what to do next: the commands
 * that move a waiting step on, with the `place` flags this command was given.
 */
export function runLines(view: PublicView, place: RunPlace = {}): string[] {
  const { run } = view;
  const lines = [`run ${run.id} ${run.workflow_id}: ${run.status}`];
  const width = Math.max(4, ...view.steps.map((s) => s.step_id.length));
  for (const step of view.steps) lines.push(`  ${stepLine(step, width)}`);
  const told = view.steps.filter((s) => s.error && ['failed', 'timed_out'].includes(s.status));
  for (const step of told) {
    lines.push(`  ${step.step_id}: error[${step.error!.code}]: ${step.error!.message}`);
  }
  // A run that timed out between two steps has no step to blame: the run says why.
  if (run.status === 'timed_out' && told.length === 0 && run.error) {
    lines.push(`  error[${run.error.code}]: ${run.error.message}`);
  }
  const at = placeFlags(place, '--data');
  for (const approval of view.approvals.filter((a) => a.status === 'pending')) {
    const why = approval.reason ? ` (${approval.reason})` : '';
    lines.push(
      `waiting for approval of ${approval.step_id}${why}:`,
      `  cordum engine approve ${run.id} ${approval.step_id}${at}   or   ` +
        `cordum engine reject ${run.id} ${approval.step_id}${at}`,
    );
  }
  const pending = new Set(view.approvals.filter((a) => a.status === 'pending')
    .map((a) => a.step_id));
  for (const step of view.steps.filter((s) => s.status === 'waiting')) {
    if (pending.has(step.step_id)) continue;
    if (step.type === 'input') {
      lines.push(`waiting for input to ${step.step_id}:`,
        `  cordum engine input ${run.id} ${step.step_id} --data '{...}'` +
          placeFlags(place, '--data-dir'));
    } else if (step.wake_at) {
      lines.push(`${step.step_id} waits until ${step.wake_at}: \`cordum engine serve\` on this ` +
        'data goes on with it then');
    }
  }
  return lines;
}

function stepLine(step: StepRecord, width: number): string {
  const status = step.skipped ? 'succeeded (skipped)' : step.status;
  const parts = [step.step_id.padEnd(width), status.padEnd(19)];
  if (step.decision) {
    const rule = step.decision.rule_id ? ` rule ${step.decision.rule_id}` : ' (no rule matched)';
    parts.push(`${step.decision.decision}${rule}`);
  }
  if (step.attempts > 1) parts.push(`after ${step.attempts} attempts`);
  return parts.join('  ').trimEnd();
}

export function runListLines(runs: PublicRun[]): string[] {
  if (runs.length === 0) return ['no runs yet'];
  return runs.map((r) => `${r.id}  ${r.status.padEnd(9)}  ${r.created_at}  ${r.workflow_id}`);
}

export function timelineLines(events: TimelineEvent[]): string[] {
  return events.map((e) => {
    const parts = [e.at, e.type.padEnd(18), (e.step_id ?? '-').padEnd(10)];
    if (e.status) parts.push(e.status);
    if (e.message) parts.push(e.message);
    // Who approved, rejected or gave input, when they said (details.by).
    const by = (e.details as { by?: unknown } | undefined)?.by;
    if (typeof by === 'string' && by !== '') parts.push(`by ${by}`);
    return parts.join('  ').trimEnd();
  });
}

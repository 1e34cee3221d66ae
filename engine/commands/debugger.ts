/**
 * The `cordum engine run --step` debugger: before each step it prints the
 * step, its resolved input and the policy decision on stderr, then waits
 * for Enter on stdin. Lines typed (or piped) ahead are kept, one per step.
 * When stdin ends with no line left for a step, the run is cancelled there:
 * the end of input never lets the rest of a run go on unseen.
 */
import { createInterface } from 'node:readline';
import { EngineError } from '../errors.js';
import type { StepPause } from '../steps/context.js';

export interface Debugger {
  beforeStep(pause: StepPause): Promise<void>;
  /** How to cancel the run when input ends (the engine's cancel). */
  stopWith(stop: (runId: string) => Promise<unknown>): void;
  /** Ends its input; `why` (Ctrl-C) is what a pause then says ended it, else the input. */
  close(why?: string): void;
}

export function stdinDebugger(
  input: NodeJS.ReadableStream = process.stdin,
  out: NodeJS.WritableStream = process.stderr,
): Debugger {
  const lines = createInterface({ input, terminal: false });
  const waiting: ((go: boolean) => void)[] = [];
  let ahead = 0;
  let ended = false;
  let endedBy = 'input ended';
  let stop: ((runId: string) => Promise<unknown>) | undefined;
  lines.on('line', () => {
    const go = waiting.shift();
    if (go) go(true);
    else ahead++;
  });
  lines.on('close', () => {
    ended = true;
    for (const go of waiting.splice(0)) go(false);
  });
  return {
    async beforeStep(pause) {
      if (pause.for_each !== undefined) {
        out.write(`paused before step ${pause.step_id} (${pause.type}, for_each)\n`);
        const items = Array.isArray(pause.for_each) ? `${pause.for_each.length} items: ` : '';
        out.write(`  items: ${items}${JSON.stringify(pause.for_each)}\n`);
        out.write('  each item pauses again before it runs, with its input and decision\n');
      } else {
        out.write(`paused before step ${pause.step_id} (${pause.type})\n`);
        out.write(`  input: ${JSON.stringify(pause.input)}\n`);
      }
      if (pause.decision) {
        const { rule_id: ruleId } = pause.decision;
        const rule = ruleId ? ` rule ${ruleId}` : ' (no rule matched)';
        out.write(`  policy: ${pause.decision.decision}${rule}\n`);
      }
      let go = ahead > 0;
      if (go) ahead--;
      else if (!ended) {
        out.write('  press Enter to run it (end the input, Ctrl-D, to cancel the run)\n');
        go = await new Promise<boolean>((resolve) => waiting.push(resolve));
      }
      if (go) return;
      out.write(`  ${endedBy}: the run is cancelled before step ${pause.step_id}\n`);
      await stop?.(pause.run_id);
      throw new EngineError('run_cancelled',
        `the debugger's ${endedBy} before step "${pause.step_id}"`);
    },
    stopWith(fn) {
      stop = fn;
    },
    close(why) {
      if (why !== undefined && !ended) endedBy = why;
      lines.close();
    },
  };
}

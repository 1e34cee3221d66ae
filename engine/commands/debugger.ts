/**
 * The `cordum engine run --step` debugger: before each step it prints the
 * step, its resolved input and the policy decision on stderr, then waits
 * for Enter on stdin. When stdin ends, the rest of the run goes on.
 */
import { createInterface } from 'node:readline';
import type { StepPause } from '../steps/context.js';

export interface Debugger {
  beforeStep(pause: StepPause): Promise<void>;
  close(): void;
}

export function stdinDebugger(
  input: NodeJS.ReadableStream = process.stdin,
  out: NodeJS.WritableStream = process.stderr,
): Debugger {
  const lines = createInterface({ input, terminal: false });
  const waiting: (() => void)[] = [];
  let ended = false;
  lines.on('line', () => waiting.shift()?.());
  lines.on('close', () => {
    ended = true;
    for (const go of waiting.splice(0)) go();
  });
  return {
    async beforeStep(pause) {
      out.write(`paused before step ${pause.step_id} (${pause.type})\n`);
      out.write(`  input: ${JSON.stringify(pause.input)}\n`);
      if (pause.decision) {
        const { rule_id: ruleId } = pause.decision;
        const rule = ruleId ? ` rule ${ruleId}` : ' (no rule matched)';
        out.write(`  policy: ${pause.decision.decision}${rule}\n`);
      }
      if (ended) return;
      out.write('  press Enter to run it\n');
      await new Promise<void>((resolve) => waiting.push(resolve));
    },
    close: () => lines.close(),
  };
}

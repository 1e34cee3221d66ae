/**
 * Asks the questions that no flag answered, one line each with its default
 * in brackets, over node:readline. An empty line takes the default; a
 * refused answer is asked again, at most three times.
 */
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { PackError } from '../errors.js';
import type { Question, ScaffoldAnswers } from './answers.js';

const TRIES = 3;

export async function askAnswers(questions: Question[], given: Partial<ScaffoldAnswers>,
  io: { input: Readable; output: Writable }): Promise<Partial<ScaffoldAnswers>> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const out: Partial<ScaffoldAnswers> = { ...given };
  try {
    for (const q of questions) {
      if (given[q.name] !== undefined) continue;
      out[q.name] = await askOne(q, q.fallback(out), lines, io.output);
    }
  } finally {
    rl.close();
  }
  return out;
}

async function askOne(q: Question, fallback: string, lines: AsyncIterator<string>,
  output: Writable): Promise<string> {
  for (let attempt = 0; attempt < TRIES; attempt++) {
    output.write(`${q.prompt}${fallback ? ` [${fallback}]` : ''}: `);
    const next = await lines.next();
    // End of input: take the default, as --yes would.
    const value = next.done ? fallback : next.value.trim() || fallback;
    const why = q.check?.(value);
    if (why === undefined) return value;
    output.write(`  ${why}\n`);
    if (next.done) break;
  }
  throw new PackError('usage', `${q.prompt}: no acceptable answer`);
}

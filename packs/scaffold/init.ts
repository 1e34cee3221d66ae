/**
 * `cordum pack init NAME`: answers (flags, a terminal, or defaults), the
 * files, and a check that the new pack validates and its simulations pass
 * before anyone edits it.
 */
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { readPackDir } from '../bundle/source.js';
import { PackError } from '../errors.js';
import { loadPack } from '../load.js';
import { runSimulations } from '../simulate.js';
import { completeAnswers, questionsFor, type ScaffoldAnswers } from './answers.js';
import { askAnswers } from './prompt.js';
import { scaffoldFiles } from './templates.js';
import { writeScaffold } from './write.js';

export interface InitOptions {
  name: string;
  given: Partial<ScaffoldAnswers>;
  schemaBase: string;
  /** Set when a terminal may be asked; absent with `--yes` or no TTY. */
  ask?: { input: Readable; output: Writable };
}

export interface InitResult {
  dir: string;
  id: string;
  files: string[];
  simulations: { passed: number; failed: number };
}

export async function initPack(options: InitOptions): Promise<InitResult> {
  const questions = questionsFor(options.name);
  const given = options.ask ? await askAnswers(questions, options.given, options.ask)
    : options.given;
  const answers = completeAnswers(questions, given);
  const dir = resolve(options.name);
  const files = writeScaffold(dir, scaffoldFiles(answers, options.schemaBase));

  // The scaffold must be a valid, passing pack as written: prove it now.
  const pack = loadPack(readPackDir(dir));
  const { results } = runSimulations(pack);
  const failed = results.filter((r) => !r.passed).length;
  if (failed > 0) {
    throw new PackError('simulation_failed', `${dir}: ${failed} scaffolded simulations fail`);
  }
  return { dir, id: answers.id, files, simulations: { passed: results.length, failed } };
}

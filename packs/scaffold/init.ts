/**
 * `cordum pack init NAME`: answers (flags, a terminal, or defaults), the
 * files, and a check that the new pack validates and its simulations pass
 * before anyone edits it.
 */
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { isPackError, PackError } from '../errors.js';
import { loadPack, type LoadedPack } from '../load.js';
import { runSimulations } from '../simulate.js';
import {
  ANSWER_NAMES, completeAnswers, questionsFor, type AnswerName, type ScaffoldAnswers,
} from './answers.js';
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
  const scaffold = scaffoldFiles(answers, options.schemaBase);

  // The scaffold must be a valid, passing pack: prove it in memory, before anything is
  // written, so an answer the format refuses leaves no folder for the retry to trip on.
  const pack = loadScaffold(scaffold, answers);
  const { results } = runSimulations(pack);
  const failed = results.filter((r) => !r.passed).length;
  if (failed > 0) {
    throw new PackError('simulation_failed', `${dir}: ${failed} scaffolded simulations fail`);
  }
  const files = writeScaffold(dir, scaffold);
  return { dir, id: answers.id, files, simulations: { passed: results.length, failed } };
}

/**
 * Loads the scaffold's files; a problem in an answer's pack.yaml field (a title past the
 * format's 256 characters) is a usage error naming the flag that gave it, not a problem in
 * a pack.yaml the user never wrote.
 */
function loadScaffold(scaffold: Map<string, string>, answers: ScaffoldAnswers): LoadedPack {
  const files = new Map([...scaffold].map(([name, text]) => [name, Buffer.from(text)]));
  try {
    return loadPack({ files });
  } catch (err) {
    const issue = isPackError(err) ? err.issues.find((i) => i.file === 'pack.yaml' &&
      answerAt(i.path) !== undefined) : undefined;
    if (issue === undefined) throw err;
    const name = answerAt(issue.path)!;
    throw new PackError('usage', `--${name} ${JSON.stringify(answers[name])}: ${issue.message}`,
      { cause: err });
  }
}

/** The answer a pack.yaml field path holds (`/metadata/title` is title's), if any. */
function answerAt(path: string): AnswerName | undefined {
  const field = /^\/metadata\/([a-z]+)$/.exec(path)?.[1];
  return ANSWER_NAMES.find((name) => name === field);
}

/**
 * What `cordum pack init` asks, with the default of each answer and its
 * check. Flags answer questions; `--yes` takes the defaults of the rest;
 * otherwise a terminal is asked (prompt.ts).
 */
import { basename } from 'node:path';
import { PackError } from '../errors.js';
import packSchema from '../../schemas/pack.schema.json' with { type: 'json' };
import { isPackId, PACK_ID_RULE } from '../pack_id.js';

export interface ScaffoldAnswers {
  id: string;
  title: string;
  description: string;
  author: string;
  license: string;
}

export type AnswerName = keyof ScaffoldAnswers;

export const ANSWER_NAMES: AnswerName[] = ['id', 'title', 'description', 'author', 'license'];

export interface Question {
  name: AnswerName;
  prompt: string;
  /** The default, from the answers before this one. */
  fallback(before: Partial<ScaffoldAnswers>): string;
  /** Why an answer is refused, or undefined when it is fine. */
  check?(value: string): string | undefined;
}

/**
 * A pack id from a folder name: accents dropped (`ünï` is `uni`), lower case,
 * runs of other characters as `-`.
 */
export function idFromName(name: string): string {
  const plain = basename(name).normalize('NFKD').replace(/\p{M}+/gu, '');
  const id = plain.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return id === '' ? 'my-pack' : id;
}

/**
 * The length pack.yaml's schema allows the field, checked as the answer is given, so a
 * terminal asks again rather than fail once every question is answered.
 */
function within(field: 'title' | 'description' | 'author' | 'license') {
  const max = packSchema.properties.metadata.properties[field].maxLength;
  // As the schema counts: characters (code points), not UTF-16 units.
  return (v: string) => ([...v].length > max ? `use at most ${max} characters` : undefined);
}

function titleOf(id: string): string {
  return id.split('-').filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
}

export function questionsFor(name: string): Question[] {
  return [
    { name: 'id', prompt: 'Pack id', fallback: () => idFromName(name),
      check: (v) => (isPackId(v) ? undefined : `use ${PACK_ID_RULE}`) },
    { name: 'title', prompt: 'Title', fallback: (b) => titleOf(b.id ?? idFromName(name)),
      check: within('title') },
    { name: 'description', prompt: 'Description', check: within('description'),
      fallback: (b) => `${b.title ?? 'A'} pack: one workflow, one topic, a policy and its tests.` },
    { name: 'author', prompt: 'Author', fallback: () => '', check: within('author') },
    { name: 'license', prompt: 'License (SPDX id)', fallback: () => 'Apache-2.0',
      check: within('license') },
  ];
}

/** Every answer given or defaulted, each checked; a bad flag fails with `usage`. */
export function completeAnswers(questions: Question[], given: Partial<ScaffoldAnswers>)
  : ScaffoldAnswers {
  const out: Partial<ScaffoldAnswers> = {};
  for (const q of questions) {
    const value = given[q.name] ?? q.fallback(out);
    const why = q.check?.(value);
    if (why !== undefined) {
      // A default made from NAME (a folder name of 200 letters) is named as such.
      const what = given[q.name] === undefined
        ? `${q.name} ${value} (made from NAME; give --${q.name})` : `--${q.name} ${value}`;
      throw new PackError('usage', `${what}: ${why}`);
    }
    out[q.name] = value;
  }
  return out as ScaffoldAnswers;
}

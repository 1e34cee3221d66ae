/**
 * Every command's help ends with examples that name only its own flags, and
 * those that need no server run as written, one after another, in an empty
 * folder.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../../cli/examples.js';
import { cordum } from '../helpers/cli.js';

/** Splits a command line into words as sh does for the quoting the examples use. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** The commands under `path` that have no commands of their own, from their help. */
async function leaves(path: string[]): Promise<string[]> {
  const help = (await cordum([...path, '--help'])).stdout;
  const names = [...(help.split('\nCommands:\n')[1] ?? '').matchAll(/^ {2}([a-z][\w-]*)/gm)]
    .map((m) => m[1]).filter((name) => name !== 'help');
  if (names.length === 0) return [path.join(' ')];
  return (await Promise.all(names.map((name) => leaves([...path, name])))).flat();
}

describe('help examples', () => {
  it('every command has examples', async () => {
    expect((await leaves([])).sort()).toEqual(Object.keys(EXAMPLES).sort());
  }, 60_000);

  it.each(Object.entries(EXAMPLES))('cordum %s --help shows its examples', async (path, lines) => {
    const help = (await cordum([...path.split(' '), '--help'])).stdout;
    const [options, examples] = help.split('\nExamples:\n');

    expect(examples.trimEnd()).toBe(lines.map((l) => `  $ ${l}`).join('\n'));
    for (const line of lines) {
      const command = words(line).slice(1, 1 + path.split(' ').length).join(' ');
      expect(command).toBe(path);
      for (const flag of words(line).filter((w) => w.startsWith('--'))) {
        expect(options).toMatch(new RegExp(`\\s${flag}[ ,\\n]`));
      }
    }
  });

  it('the examples that need no server run as written, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-examples-'));
    const offline = ['keygen', 'pack init', 'pack validate', 'pack build', 'pack sign',
      'pack test', 'pack migrate', 'policy lint', 'policy explain'];
    const lines = [...offline.flatMap((path) => EXAMPLES[path]),
      EXAMPLES['pack verify'][0], EXAMPLES['provider install'][0]];

    for (const line of lines) {
      const ran = await cordum(words(line).slice(1), { cwd: dir });
      expect({ line, code: ran.code, stderr: ran.stderr }).toMatchObject({ code: 0 });
    }
  }, 120_000);
});

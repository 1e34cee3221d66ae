/**
 * `cordum help WORDS...` shows the help of the command the words name, at
 * any depth, as `--help` on that command does; a word that names no command
 * is a usage error naming it.
 */
import { describe, expect, it } from 'vitest';
import { cordum } from '../helpers/cli.js';

describe('cordum help WORDS', () => {
  it.each([
    ['help pack validate', 'pack validate --help'],
    ['help engine runs list', 'engine runs list --help'],
    ['engine help runs show', 'engine runs show --help'],
    ['help registry audit export', 'registry audit export --help'],
  ])('%s shows what %s shows', async (words, flag) => {
    const help = await cordum(words.split(' '));
    const direct = await cordum(flag.split(' '));

    expect(help.code).toBe(0);
    expect(help.stdout).toBe(direct.stdout);
    expect(help.stdout).toMatch(/^Usage: cordum /);
  });

  it.each([
    ['help nosuch', 'nosuch', 'cordum [options]'],
    ['help pack nosuch', 'nosuch', 'cordum pack [options]'],
    ['help keygen extra', 'extra', 'cordum keygen [options]'],
  ])('%s is a usage error naming the word', async (words, word, usage) => {
    const ran = await cordum(words.split(' '));

    expect(ran.code).toBe(2);
    expect(ran.stdout).toBe('');
    expect(ran.stderr).toMatch(new RegExp(`^error\\[usage\\]: unknown command '${word}'`));
    expect(ran.stderr).toContain(`Usage: ${usage}`);
  });
});

describe('help marks the flags a command cannot run without', () => {
  it.each([
    ['keygen', '--out <dir>'],
    ['pack sign', '--key <file>'],
    ['pack verify', '--key <file>'],
    ['engine input', '--data <json>'],
    ['policy explain', '--request <json>'],
    ['policy simulate', '--candidate <path>'],
    ['registry mirror', '--from <url>'],
    ['bundle create', '--out <file>'],
  ])('cordum %s --help: %s (required)', async (path, flag) => {
    const help = (await cordum([...path.split(' '), '--help'])).stdout.replace(/\s+/g, ' ');

    expect(help).toMatch(new RegExp(`${flag} [^-]*\\(required\\)`));
  });

  it('and no other', async () => {
    const help = (await cordum(['pack', 'sign', '--help'])).stdout;

    expect(help.match(/\(required\)/g)).toHaveLength(1);
  });
});

describe('help says what a flag does as it does it', () => {
  it('engine serve --port listens on --host, not always on 127.0.0.1', async () => {
    const help = (await cordum(['engine', 'serve', '--help'])).stdout.replace(/\s+/g, ' ');

    expect(help).toContain('--port <n> port to listen on, on --host (0 picks a free one)');
    expect(help).not.toContain('port on 127.0.0.1');
  });
});

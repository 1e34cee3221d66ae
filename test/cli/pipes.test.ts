/**
 * A reader that closes the pipe early (`| head -1`) ends the command quietly
 * with the exit code it had, never with Node's EPIPE stack trace.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';

/** Runs `cordum ...args` with the read end of its stdout closed before it writes. */
function closedStdout(args: string[], cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args],
      { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stderr }));
  });
}

describe('stdout closed by its reader', () => {
  it.each([
    ['keygen --out keys', 0],
    ['engine runs list --json', 0],
    ['pack build nope --json', 1],
  ])('%s exits %i with nothing on stderr', async (args, code) => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-pipe-'));

    const ran = await closedStdout(args.split(' '), dir);

    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(code);
  });
});

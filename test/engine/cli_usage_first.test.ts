/**
 * A wrong command line is refused before the engine opens anything: no
 * database is created, and neither a missing cordum.lock nor a data folder
 * held by another process hides the usage error.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cordum } from '../helpers/cli.js';

const cases: { name: string; args: (data: string) => string[]; code: number; error: RegExp }[] = [
  { name: 'run with a list as --input',
    args: (d) => ['engine', 'run', 'a.b', '--input', '[]', '--data', d],
    code: 2, error: /error\[usage\]: --input: the run input must be a JSON object/ },
  { name: 'run with both --input and --input-file',
    args: (d) => ['engine', 'run', 'a.b', '--input', '{}', '--input-file', 'x.json', '--data', d],
    code: 2, error: /error\[usage\]: give --input or --input-file, not both/ },
  { name: 'run with --input that is not JSON',
    args: (d) => ['engine', 'run', 'a.b', '--input', '{bad', '--data', d],
    code: 2, error: /error\[usage\]: --input: invalid JSON/ },
  { name: 'runs list with --limit 0',
    args: (d) => ['engine', 'runs', 'list', '--limit', '0', '--data', d],
    code: 2, error: /error\[usage\]: --limit must be a whole number from 1 to 1000/ },
  { name: 'serve with a --poll-ms of ten digits (it said "must be a whole number")',
    args: (d) => ['engine', 'serve', '--port', '0', '--poll-ms', '9999999999', '--data', d],
    code: 2, error: /^error\[usage\]: --poll-ms must be a whole number from 0 to 999999999, not/ },
  { name: 'serve with a --lease-ms under its least',
    args: (d) => ['engine', 'serve', '--port', '0', '--lease-ms', '50', '--data', d],
    code: 2, error: /^error\[usage\]: --lease-ms must be a whole number from 100 to 999999999/ },
  { name: 'input with --data that is not JSON',
    args: (d) => ['engine', 'input', 'r', 's', '--data', '{bad', '--data-dir', d],
    code: 2, error: /error\[usage\]: --data: invalid JSON/ },
  { name: 'input given the data folder as --data, as the other engine commands take it',
    args: (d) => ['engine', 'input', 'r', 's', '--data', '{}', '--data', d],
    code: 2, error: /--data is the step's data as JSON here; engine input takes the engine data/ },
  { name: 'input with --data that is not JSON and too long for a path',
    args: (d) => ['engine', 'input', 'r', 's', '--data', `{${'a'.repeat(5000)}`, '--data-dir', d],
    code: 2, error: /^error\[usage\]: --data: invalid JSON/ },
];

describe('cordum engine checks its command line before opening the engine', () => {
  it.each(cases)('$name', async ({ args, code, error }) => {
    // A folder with no cordum.lock: opening the engine would fail there (lock_invalid).
    const project = mkdtempSync(join(tmpdir(), 'cordum-usage-'));
    const data = join(project, 'engine-data');

    const ran = await cordum(args(data), { cwd: project });

    expect(ran.stderr).toMatch(error);
    expect(ran.code).toBe(code);
    expect(existsSync(data)).toBe(false);
  }, 30_000);
});

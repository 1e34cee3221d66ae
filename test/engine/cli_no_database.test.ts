/**
 * Commands about existing runs (`runs list`, `runs show`, approve, reject,
 * input, cancel) given a `--data` folder with no engine database in it: they
 * answer at once and leave no empty database behind, where they used to make
 * one (seconds of PGlite start-up) only to find no run in it.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cordum } from '../helpers/cli.js';

describe('engine commands about runs, with no database at --data', () => {
  const project = mkdtempSync(join(tmpdir(), 'cordum-nodb-'));
  const data = join(project, 'elsewhere');
  const env = { DATABASE_URL: '' };

  it('lists no runs, and makes no database', async () => {
    const r = await cordum(['engine', 'runs', 'list', '--project', project, '--data', data,
      '--json'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ runs: [] });
    expect(existsSync(data)).toBe(false);
  });

  it('answers run_not_found naming the missing database, for each command', async () => {
    const where = join(data, 'db');
    for (const args of [['runs', 'show', 'r1'], ['approve', 'r1', 's'], ['reject', 'r1', 's'],
      ['cancel', 'r1']]) {
      const r = await cordum(['engine', ...args, '--project', project, '--data', data], { env });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(`error[run_not_found]: no run r1: the engine database ${where} ` +
        'does not exist');
    }
    const input = await cordum(['engine', 'input', 'r1', 's', '--data', '{}', '--project',
      project, '--data-dir', data], { env });
    expect(input.code).toBe(1);
    expect(input.stderr).toContain('error[run_not_found]: no run r1');
    expect(existsSync(data)).toBe(false);
  });
});

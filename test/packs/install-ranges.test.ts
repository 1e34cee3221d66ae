/**
 * `cordum pack install` against a real registry: a pack asked for by two
 * packs with ranges that only meet below the highest version, its lock
 * entry and a reinstall from that lock; and deprecated versions, installed
 * with a warning on stderr and in `--json`'s `warnings`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import semver from 'semver';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerInstallCommand } from '../../packs/commands/install.js';
import { installPacks } from '../../packs/install.js';
import { readLock } from '../../packs/lock.js';
import { pgliteBackend } from '../helpers/databases.js';
import {
  ADMIN_TOKEN, raw, registeredKey, startTestRegistry, type TestRegistry,
} from '../registry/helpers.js';
import { renamedPack } from './helpers/renamed.js';

describe('install: ranges from several packs, and deprecated versions', () => {
  let reg: TestRegistry;
  const projects: string[] = [];
  const project = () => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-install-ranges-'));
    projects.push(dir);
    return dir;
  };

  beforeAll(async () => {
    reg = await startTestRegistry(pgliteBackend);
    const key = await registeredKey(reg);
    const packs = [
      ...['1.0.0', '1.5.0', '2.0.0'].map((v) => renamedPack('deplib', v, key)),
      renamedPack('needa', '1.0.0', key, { requires: ['deplib@^1'] }),
      renamedPack('needb', '1.0.0', key, { requires: ['deplib@1.0.0 || 2.0.0'] }),
      ...['1.0.0', '1.1.0'].map((v) => renamedPack('semtest', v, key)),
    ];
    for (const pack of await Promise.all(packs)) await reg.admin.publish(pack.tgz, pack.bundle);
    const res = await raw(reg, '/v1/packs/semtest/versions/1.1.0/deprecation', { method: 'PUT',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'old' }) });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await reg?.close();
    for (const dir of projects) rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('installs the version every requirer allows and locks a range meaning all of them',
    async () => {
      const dir = project();
      const result = await installPacks({ registry: reg.admin, project: dir,
        specs: ['needa', 'needb'] });
      expect(result.installed.map((p) => `${p.id}@${p.version}`).sort()).toEqual([
        'deplib@1.0.0', 'needa@1.0.0', 'needb@1.0.0']);
      const locked = readLock(dir)!.packs.deplib!;
      expect(locked.version).toBe('1.0.0');
      expect(locked.range).toBe('^1 1.0.0');
      expect(semver.satisfies(locked.version, locked.range!)).toBe(true);
      expect(semver.satisfies('2.0.0', locked.range!)).toBe(false);

      // The lock reads back and installs exactly again.
      const again = await installPacks({ registry: reg.admin, project: dir, specs: [] });
      expect(again.installed.find((p) => p.id === 'deplib')!.version).toBe('1.0.0');
    });

  it('installs a deprecated version with a warning line and the warning in the result',
    async () => {
      const lines: string[] = [];
      const result = await installPacks({ registry: reg.admin, project: project(),
        specs: ['semtest@^1'], progress: (l) => lines.push(l) });
      expect(result.installed.map((p) => p.version)).toEqual(['1.1.0']);
      expect(result.warnings).toEqual(['semtest@1.1.0 is deprecated: old']);
      expect(lines).toContain('warning: semtest@1.1.0 is deprecated: old');
    });

  const runInstall = async (args: string[]) => {
    const stderr: string[] = [];
    const stdout: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout.push(String(chunk));
      return true;
    });
    const pack = new Command('pack').exitOverride();
    registerInstallCommand(pack);
    await pack.parseAsync(['install', ...args, '--registry', reg.url, '--token', ADMIN_TOKEN,
      '--project', project()], { from: 'user' });
    vi.restoreAllMocks();
    return { stderr: stderr.join(''), stdout: stdout.join(''), code: process.exitCode ?? 0 };
  };

  it('prints the deprecation on stderr, and in --json output', async () => {
    const human = await runInstall(['semtest@^1']);
    expect(human.code).toBe(0);
    expect(human.stderr.split('\n')).toContain('warning: semtest@1.1.0 is deprecated: old');
    expect(human.stdout).toMatch(/^installed semtest@1\.1\.0 /);

    const json = await runInstall(['semtest@^1', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      installed: [expect.objectContaining({ id: 'semtest', version: '1.1.0' })],
      warnings: ['semtest@1.1.0 is deprecated: old'] });
  });

  it('warns of nothing for a version that is not deprecated', async () => {
    const result = await installPacks({ registry: reg.admin, project: project(),
      specs: ['semtest@1.0.0'] });
    expect(result.warnings).toEqual([]);
  });
});

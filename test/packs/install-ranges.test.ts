/**
 * `cordum pack install` against a real registry: a pack asked for by two
 * packs with ranges that only meet below the highest version, its lock
 * entry and a reinstall from that lock; deprecated versions, installed
 * with a warning on stderr and in `--json`'s `warnings`; and a pack whose
 * policy overrules another installed pack's, said at install.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import semver from 'semver';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerInstallCommand } from '../../packs/commands/install.js';
import { installPacks } from '../../packs/install.js';
import { holdLock, readLock } from '../../packs/lock.js';
import { pgliteBackend } from '../helpers/databases.js';
import {
  ADMIN_TOKEN, raw, registeredKey, startTestRegistry, type TestRegistry,
} from '../registry/helpers.js';
import { renamedPack } from './helpers/renamed.js';

const FRAGMENT = 'overlays/policy.fragment.yaml';

describe('install: ranges from several packs, deprecated versions, policies that meet', () => {
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
      renamedPack('needghost', '1.0.0', key, { requires: ['ghostpack@^1'] }),
      ...['1.0.0', '1.1.0'].map((v) => renamedPack('semtest', v, key)),
      // aaa allows every job; zed asks approval for its own. aaa's rules come first.
      renamedPack('aaa', '1.0.0', key, { files: { [FRAGMENT]: 'rules:\n' +
        '  - { id: aaa-allow, decision: allow, match: {} }\n' } }),
      renamedPack('zed', '1.0.0', key, { files: { [FRAGMENT]: 'rules:\n  - { id: zed-approve, ' +
        'decision: require_approval, match: { topics: ["job.zed.*"] } }\n' } }),
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

  it('keeps every pack in cordum.lock when installs in one project run at once', async () => {
    const dir = project();
    const specs = ['semtest@1.0.0', 'aaa', 'zed', 'deplib@^1'];
    await Promise.all(specs.map((spec) => installPacks({ registry: reg.admin, project: dir,
      specs: [spec] })));
    expect(Object.keys(readLock(dir)!.packs).sort()).toEqual(['aaa', 'deplib', 'semtest', 'zed']);
    expect(existsSync(join(dir, 'cordum.lock.busy'))).toBe(false);
  });

  it('waits for a live holder of cordum.lock.busy, and takes over a dead one\'s', async () => {
    const dir = project();
    writeFileSync(join(dir, 'cordum.lock.busy'), `${process.pid}\n`);
    await expect(holdLock(dir, 100)).rejects.toMatchObject({ code: 'lock_busy',
      message: expect.stringContaining(`another install (process ${process.pid})`) });
    // Past the largest pid Linux hands out: no such process runs.
    writeFileSync(join(dir, 'cordum.lock.busy'), '4194305\n');
    const release = await holdLock(dir, 100);
    expect(readFileSync(join(dir, 'cordum.lock.busy'), 'utf8')).toBe(`${process.pid}\n`);
    release();
    expect(existsSync(join(dir, 'cordum.lock.busy'))).toBe(false);
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

  it('names the pack whose requires_packs asks for one the registry does not have', async () => {
    const dir = project();
    await expect(installPacks({ registry: reg.admin, project: dir, specs: ['needghost'] }))
      .rejects.toMatchObject({ code: 'pack_not_found', message: expect.stringMatching(new RegExp(
        '^needghost@1\\.0\\.0 requires ghostpack \\(requires_packs\\), which the registry ' +
        'does not have: no pack "ghostpack"')) });
    expect(readLock(dir)).toBeUndefined();
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

  it('warns when a pack installed now overrules the policy of one installed before', async () => {
    const dir = project();
    const first = await installPacks({ registry: reg.admin, project: dir, specs: ['zed'] });
    expect(first.warnings).toEqual([]);
    const lines: string[] = [];
    const second = await installPacks({ registry: reg.admin, project: dir, specs: ['aaa'],
      progress: (l) => lines.push(l) });
    const said = "policy: aaa's rule aaa-allow comes first and matches every request zed's " +
      'rule zed-approve would, so zed-approve never decides (see cordum policy lint)';
    expect(second.warnings).toEqual([said]);
    expect(lines).toContain(`warning: ${said}`);
    // A third pack: what meets it is said, not the pair said before.
    const third = await installPacks({ registry: reg.admin, project: dir,
      specs: ['semtest@1.0.0'] });
    expect(third.warnings).toEqual(["policy: aaa's rule aaa-allow comes first and matches " +
      "every request semtest's rule semtest-allow would, so semtest-allow never decides " +
      '(see cordum policy lint)']);
  });
});

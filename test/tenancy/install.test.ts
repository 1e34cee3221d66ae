/**
 * `installPacks` against a real registry: dist-tags, the `requires_packs`
 * closure locked whole, and a lock pinning a version yanked since.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPacks } from '../../packs/install.js';
import { pgliteBackend } from '../helpers/databases.js';
import {
  registeredKey, signedFixture, startTestRegistry, type TestRegistry,
} from '../registry/helpers.js';
import { send } from './helpers.js';
import { ADMIN_TOKEN } from '../registry/helpers.js';

const needs = (entries: string[]) => (yaml: string) =>
  `${yaml.trimEnd()}\nrequires_packs:\n${entries.map((e) => `  - "${e}"`).join('\n')}\n`;

describe('install with tenancy features', () => {
  let reg: TestRegistry;
  const projects: string[] = [];
  const project = () => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-install-'));
    projects.push(dir);
    return dir;
  };
  const lockOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'cordum.lock'), 'utf8')) as
    { packs: Record<string, { version: string; range?: string }> };

  beforeAll(async () => {
    reg = await startTestRegistry(pgliteBackend);
    const key = await registeredKey(reg);
    for (const [name, version, edit] of [
      ['demo-guardrails', '0.1.0', undefined], ['demo-guardrails', '0.1.5', undefined],
      ['demo-guardrails', '0.2.0', undefined],
      ['hello-pack', '0.1.0', needs(['demo-guardrails@~0.1.0'])],
      ['hello-pack', '0.2.0', needs(['demo-guardrails@^0.2', 'slack'])],
      ['slack', '0.1.0', needs(['hello-pack@^0.2'])],
    ] as const) {
      const pack = await signedFixture(name, key, { version, ...(edit ? { edit } : {}) });
      await reg.admin.publish(pack.tgz, pack.bundle);
    }
  });
  afterAll(async () => {
    await reg?.close();
    for (const dir of projects) rmSync(dir, { recursive: true, force: true });
  });

  it('locks the closure of requires_packs, skipping a yanked version', async () => {
    await send(reg, ADMIN_TOKEN, 'PUT', '/v1/packs/demo-guardrails/versions/0.1.5/yank',
      { yanked: true, reason: 'broken' });
    const dir = project();
    const lines: string[] = [];
    const result = await installPacks({ registry: reg.admin, project: dir,
      specs: ['hello-pack@0.1.0'], progress: (l) => lines.push(l) });
    expect(result.installed.map((p) => `${p.id}@${p.version}`)).toEqual([
      'hello-pack@0.1.0', 'demo-guardrails@0.1.0']);
    expect(lockOf(dir).packs['demo-guardrails']).toMatchObject({ version: '0.1.0',
      range: '~0.1.0' });
    expect(lines).toContain('resolving demo-guardrails@~0.1.0 for hello-pack@0.1.0');
  });

  it('installs by dist-tag', async () => {
    await send(reg, ADMIN_TOKEN, 'PUT', '/v1/packs/demo-guardrails/dist-tags/stable',
      { version: '0.1.0' });
    const dir = project();
    const result = await installPacks({ registry: reg.admin, project: dir,
      specs: ['demo-guardrails@stable'] });
    expect(result.installed.map((p) => p.version)).toEqual(['0.1.0']);
    expect(lockOf(dir).packs['demo-guardrails']!.range).toBe('stable');
  });

  it('names the cycle and writes nothing', async () => {
    const dir = project();
    await expect(installPacks({ registry: reg.admin, project: dir, specs: ['hello-pack'] }))
      .rejects.toMatchObject({ code: 'closure_cycle',
        message: 'requires_packs form a cycle: hello-pack → slack → hello-pack' });
    expect(() => readFileSync(join(dir, 'cordum.lock'))).toThrow();
  });

  it('installs a yanked version a lock pins, with a warning', async () => {
    const dir = project();
    await installPacks({ registry: reg.admin, project: dir, specs: ['demo-guardrails@0.2.0'] });
    await send(reg, ADMIN_TOKEN, 'PUT', '/v1/packs/demo-guardrails/versions/0.2.0/yank',
      { yanked: true, reason: 'use 0.1' });
    const lines: string[] = [];
    const again = await installPacks({ registry: reg.admin, project: dir, specs: [],
      progress: (l) => lines.push(l) });
    expect(again.installed.map((p) => p.version)).toEqual(['0.2.0']);
    expect(again.warnings).toEqual(['demo-guardrails@0.2.0 is yanked: use 0.1']);
    expect(lines).toContain('warning: demo-guardrails@0.2.0 is yanked: use 0.1');
    await expect(reg.admin.resolve('demo-guardrails', '^0.2')).rejects.toMatchObject({
      code: 'range_unsatisfied' });
  });
});

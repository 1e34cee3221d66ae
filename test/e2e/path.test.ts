/**
 * The user's path with real processes: keygen, validate, build, sign,
 * publish (and a refused re-publish), install with a lock, re-install from
 * the lock, and a lock that no longer matches. Both storage back ends.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { cordum, json, SHARED_PACKS, startRegistry, stopAll, type RunningRegistry }
  from '../helpers/cli.js';

const PACKS = ['demo-guardrails', 'github', 'hello-pack', 'slack'];

describe.each(backends())('the user path on $name', (backend) => {
  let reg: RunningRegistry;
  let work: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    reg = await startRegistry(backend);
    work = mkdtempSync(join(tmpdir(), 'cordum-e2e-'));
    env = { CORDUM_REGISTRY: reg.url, CORDUM_TOKEN: reg.token };
    json(await cordum(['keygen', '--out', join(work, 'keys'), '--json']));
    json(await cordum(['registry', 'key', 'add', join(work, 'keys', 'cordum.pub'), '--json'],
      { env }));
  });
  afterAll(stopAll);

  it('takes every real pack from folder to a pinned install', async () => {
    for (const name of PACKS) {
      const dir = join(SHARED_PACKS, name);
      expect(json<{ ok: boolean }>(await cordum(['pack', 'validate', dir, '--json'])).ok)
        .toBe(true);
      const tgz = join(work, `${name}.tgz`);
      const built = json<{ sha256: string; id: string }>(
        await cordum(['pack', 'build', dir, '--out', tgz, '--json']));
      expect(built.id).toBe(name);
      json(await cordum(['pack', 'sign', tgz, '--key', join(work, 'keys', 'cordum.key'),
        '--json']));
      const verified = json<{ sha256: string }>(await cordum(['pack', 'verify', tgz, '--key',
        join(work, 'keys', 'cordum.pub'), '--json']));
      expect(verified.sha256).toBe(built.sha256);
      const published = json<{ sha256: string }>(await cordum(['pack', 'publish', tgz,
        '--json'], { env }));
      expect(published.sha256).toBe(built.sha256);

      const again = await cordum(['pack', 'publish', tgz, '--json'], { env });
      expect(again.code).not.toBe(0);
      expect(JSON.parse(again.stdout).error.code).toBe('version_exists');
    }

    const project = mkdtempSync(join(tmpdir(), 'cordum-project-'));
    const installed = json<{ installed: { id: string; sha256: string }[] }>(await cordum(
      ['pack', 'install', ...PACKS.map((p) => `${p}@^0.1.0`), '--json'], { cwd: project, env }));
    expect(installed.installed.map((p) => p.id).sort()).toEqual(PACKS);

    const lock = JSON.parse(readFileSync(join(project, 'cordum.lock'), 'utf8'));
    expect(Object.keys(lock.packs).sort()).toEqual(PACKS);
    expect(lock.packs['hello-pack'].version).toBe('0.1.0');
    expect(lock.packs['hello-pack'].source).toMatch(/\/v1\/packs\/hello-pack\/versions\/0\.1\.0/);
    expect(readFileSync(join(project, '.cordum', 'packs', 'hello-pack', 'pack.yaml'), 'utf8'))
      .toContain('id: hello-pack');

    // From the lock alone: same versions, same digests.
    const replay = json<{ installed: { id: string; sha256: string }[] }>(
      await cordum(['pack', 'install', '--json'], { cwd: project, env }));
    expect(replay.installed.map((p) => p.sha256).sort())
      .toEqual(installed.installed.map((p) => p.sha256).sort());

    // A lock whose digest no longer matches the registry fails and changes nothing.
    lock.packs.slack.sha256 = '0'.repeat(64);
    const tampered = `${JSON.stringify(lock, null, 2)}\n`;
    writeFileSync(join(project, 'cordum.lock'), tampered);
    const refused = await cordum(['pack', 'install', '--json'], { cwd: project, env });
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).error.code).toBe('lock_mismatch');
    expect(readFileSync(join(project, 'cordum.lock'), 'utf8')).toBe(tampered);
  });

  it('answers an unknown pack with a problem+json 404', async () => {
    const res = await fetch(`${reg.url}/v1/packs/no-such-pack`, {
      headers: { authorization: `Bearer ${reg.token}` },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(((await res.json()) as { code: string }).code).toBe('pack_not_found');
  });
});

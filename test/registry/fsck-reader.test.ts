/**
 * `registry fsck` reads every stored version again as a publish reads it now,
 * and lists the versions stored before the reader got stricter that it
 * refuses: a problem with a hint to yank, or a warning once yanked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cordum } from '../helpers/cli.js';
import { backends } from '../helpers/databases.js';
import { fsckRegistry } from '../../registry/commands/fsck.js';
import { yankHint } from '../../registry/commands/fsck-reader.js';
import { editFile, storeOldVersion } from './old-versions.js';
import {
  raw, registeredKey, signedFixture, startTestRegistry, type TestRegistry,
} from './helpers.js';
import { assertBuilt } from './trust-helpers.js';

const INF = editFile('workflows/github_issue_create.yaml', 'timeout_sec: 120',
  'timeout_sec: .inf');

describe.each(backends())('fsck of versions the current reader refuses ($name)', (backend) => {
  let reg: TestRegistry;

  beforeAll(async () => {
    assertBuilt();
    reg = await startTestRegistry(backend);
    const key = await registeredKey(reg);
    const readable = await signedFixture('hello-pack', key);
    await reg.admin.publish(readable.tgz, readable.bundle);
    await storeOldVersion(reg, key, 'github', '0.1.1', { files: INF });
    await storeOldVersion(reg, key, 'github', '0.1.2', {
      entries: [{ name: 'notes', type: 'S', body: '' }] });
    // A reader that now picks another pack.yaml than the old one did reads another version.
    await storeOldVersion(reg, key, 'github', '0.1.3', {
      files: editFile('pack.yaml', 'version: 0.1.3', 'version: 0.9.9') });
    const yank = await raw(reg, '/v1/packs/github/versions/0.1.2/yank', { method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ yanked: true, reason: 'unreadable' }) });
    expect(yank.status).toBe(200);
  });
  afterAll(async () => {
    await reg?.close();
  });

  it('lists each refused version with its code, message and a hint to yank it', async () => {
    const report = await fsckRegistry(reg.services, reg.dataDir);
    expect(report.versions).toBe(4);
    expect(report.problems).toEqual([
      { code: 'version_refused', target: 'github@0.1.1', pack_id: 'github', version: '0.1.1',
        error_code: 'validation_failed', error_message: expect.stringContaining(
          'workflows/github_issue_create.yaml'),
        message: expect.stringMatching(/^this registry's reader refuses it \[validation_failed\]/),
        hint: yankHint('github', '0.1.1') },
      { code: 'version_refused', target: 'github@0.1.3', pack_id: 'github', version: '0.1.3',
        error_code: 'tarball_mismatch', error_message: 'its pack.yaml now reads as github@0.9.9',
        message: "this registry's reader refuses it [tarball_mismatch]: its pack.yaml now " +
          `reads as github@0.9.9; ${yankHint('github', '0.1.3')}`,
        hint: yankHint('github', '0.1.3') },
    ]);
    expect(report.problems[0]!.message).toContain('; yank it: cordum pack yank ' +
      'github@0.1.1 --reason "..."');
  });

  it('tells its progress as it goes, since reading every tarball takes long', async () => {
    const lines: string[] = [];

    await fsckRegistry(reg.services, reg.dataDir, (line) => lines.push(line));

    expect(lines).toEqual(['reading 4 versions again', 'checking the transparency log']);
  });

  it('keeps a yanked one as a warning, since a version is never deleted', async () => {
    const report = await fsckRegistry(reg.services, reg.dataDir);
    const yanked = /\[bundle_special_file\]: notes: entry type .*; it is yanked$/;
    expect(report.warnings).toEqual([{ code: 'version_refused', target: 'github@0.1.2',
      pack_id: 'github', version: '0.1.2', error_code: 'bundle_special_file',
      error_message: expect.stringContaining('notes: entry type'),
      message: expect.stringMatching(yanked),
    }]);
  });

  it('prints them as its other findings and exits 1, and --json lists them', async () => {
    // PGlite opens in one process at a time: the command's, once the registry stops.
    await reg.stop();
    const env = { DATABASE_URL: reg.databaseUrl ?? '' };
    const text = await cordum(['registry', 'fsck', '--data', reg.dataDir], { env });
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n')).toEqual([
      'checked 4 versions, 4 blobs, a log of 6 entries',
      expect.stringMatching(/^problem\[version_refused\] github@0\.1\.1: this registry's reader/),
      expect.stringMatching(/^problem\[version_refused\] github@0\.1\.3: .*tarball_mismatch/),
      expect.stringMatching(/^warning\[version_refused\] github@0\.1\.2: .*; it is yanked$/),
      '2 problems',
      '',
    ]);
    const json = await cordum(['registry', 'fsck', '--data', reg.dataDir, '--json'], { env });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { problems: { pack_id: string; version: string;
      error_code: string; hint: string }[] };
    expect(report.problems.map((p) => [p.pack_id, p.version, p.error_code, p.hint])).toEqual([
      ['github', '0.1.1', 'validation_failed', yankHint('github', '0.1.1')],
      ['github', '0.1.3', 'tarball_mismatch', yankHint('github', '0.1.3')],
    ]);
  });
});

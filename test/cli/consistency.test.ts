/**
 * Every command reports alike: a wrong command line is `error[usage]` naming
 * its flag and exits 2 before anything is read, opened or made; other
 * failures name their file and exit 1; with `--json` a failure is the one
 * document `{ ok: false, error: { code, message } }` on stdout.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cordum, json, ROOT } from '../helpers/cli.js';

interface Case {
  name: string;
  /** The arguments, given a fresh folder to work in. */
  args: (dir: string) => string[];
  code: number;
  /** The error's code and a part of its message. */
  error: string;
  message: RegExp;
  /** A path (under the folder) the command must not have made. */
  untouched?: string;
  /** The command takes `--json`: its failure is checked as the JSON document too. */
  json?: boolean;
  /** Files the case needs, and its environment. */
  setup?: (dir: string) => void;
  env?: (dir: string) => NodeJS.ProcessEnv;
}

/** A daemon file naming a process that runs (this one): a provider daemon runs. */
function daemonRuns(dir: string): void {
  writeFileSync(join(dir, 'daemon.json'),
    `${JSON.stringify({ port: 1, secret: 'a'.repeat(64), pid: process.pid })}\n`);
}
const daemonFile = (dir: string) => ({ CORDUM_PROVIDER_DAEMON_FILE: join(dir, 'daemon.json') });

const cases: Case[] = [
  { name: 'pack verify --tree-head without --registry',
    args: () => ['pack', 'verify', 'p.tgz', '--key', 'k.pub', '--tree-head', 'head.json'],
    code: 2, error: 'usage', message: /--tree-head is used only with --registry/, json: true },
  { name: 'pack verify --log-key without --registry',
    args: () => ['pack', 'verify', 'p.tgz', '--key', 'k.pub', '--log-key', 'log.pem'],
    code: 2, error: 'usage', message: /--log-key is used only with --registry/ },
  { name: 'pack verify --upstream-log-key without --registry',
    args: () => ['pack', 'verify', 'p.tgz', '--key', 'k.pub', '--upstream-log-key', 'u.pem'],
    code: 2, error: 'usage', message: /--upstream-log-key is used only with --registry/ },
  { name: 'pack build of a folder that does not exist',
    args: () => ['pack', 'build', 'nope'],
    code: 1, error: 'file_missing', message: /nope: no such file or folder/,
    json: true },
  { name: 'pack migrate of a folder that does not exist',
    args: () => ['pack', 'migrate', 'nope'],
    code: 1, error: 'file_missing', message: /nope: no such file or folder/ },
  { name: 'policy explain with a --request that is not JSON',
    args: () => ['policy', 'explain', '--request', '{bad', '--candidate', 'nope'],
    code: 2, error: 'usage', message: /--request: invalid JSON/, json: true },
  { name: 'engine run with an --input that is not JSON',
    args: () => ['engine', 'run', 'a.b', '--input', '{bad'],
    code: 2, error: 'usage', message: /--input: invalid JSON/, untouched: '.cordum', json: true },
  { name: 'registry serve --host that is empty (Node would listen on every interface)',
    args: () => ['registry', 'serve', '--port', '0', '--data', 'data', '--host', ''],
    code: 2, error: 'usage', message: /--host must name the address/, untouched: 'data' },
  { name: 'engine serve --host that is empty',
    args: () => ['engine', 'serve', '--port', '0', '--data', 'data', '--host', ' '],
    code: 2, error: 'usage', message: /--host must name the address/, untouched: 'data' },
  { name: 'engine serve --registry without --deployment',
    args: () => ['engine', 'serve', '--port', '0', '--data', 'data', '--registry',
      'http://127.0.0.1:1'],
    code: 2, error: 'usage', message: /--registry follows a registry deployment: add --deployment/,
    untouched: 'data' },
  { name: 'engine serve --registry that is no URL',
    args: () => ['engine', 'serve', '--port', '0', '--data', 'data', '--registry', 'nourl',
      '--deployment', 'prod'],
    code: 2, error: 'usage', message: /--registry must be the registry's http\(s\) URL/,
    untouched: 'data' },
  { name: 'registry serve --headers-timeout of a fraction',
    args: () => ['registry', 'serve', '--port', '0', '--data', 'data', '--headers-timeout', '1.5'],
    code: 2, error: 'usage', message: /--headers-timeout 1\.5: expected a whole number/,
    untouched: 'data' },
  { name: 'registry serve --request-timeout that is empty',
    args: () => ['registry', 'serve', '--port', '0', '--data', 'data', '--request-timeout', ''],
    code: 2, error: 'usage', message: /--request-timeout : expected a whole number/,
    untouched: 'data' },
  { name: 'registry serve --headers-timeout past --request-timeout (Node\'s ERR_OUT_OF_RANGE)',
    args: () => ['registry', 'serve', '--port', '0', '--data', 'data', '--headers-timeout',
      '400000'],
    code: 2, error: 'usage',
    message: /--headers-timeout 400000 is longer than --request-timeout 300000/,
    untouched: 'data' },
  { name: 'registry serve --oidc-claims-map without --oidc-issuer',
    args: () => ['registry', 'serve', '--port', '0', '--data', 'data', '--oidc-claims-map', 'm'],
    code: 2, error: 'usage', message: /--oidc-claims-map is used only with --oidc-issuer/,
    untouched: 'data' },
  { name: 'registry audit export --since that is no time',
    args: () => ['registry', 'audit', 'export', '--since', 'yesterday', '--registry',
      'http://127.0.0.1:1'],
    code: 2, error: 'usage', message: /--since yesterday: expected an RFC 3339 time/ },
  { name: 'registry mirror --from that is no URL',
    args: () => ['registry', 'mirror', '--from', 'nourl', '--registry', 'http://127.0.0.1:1'],
    code: 2, error: 'usage', message: /--from "nourl" is not an http\(s\) URL/, json: true },
  { name: 'provider daemon --stop with an --idle-timeout, while a daemon runs',
    args: () => ['provider', 'daemon', '--stop', '--idle-timeout', '5m'], setup: daemonRuns,
    env: daemonFile, code: 2, error: 'usage', message: /--stop stops the running one/,
    json: true },
  { name: 'provider daemon --idle-timeout that is no duration, while a daemon runs',
    args: () => ['provider', 'daemon', '--idle-timeout', 'soon'], setup: daemonRuns,
    env: daemonFile, code: 2, error: 'usage', message: /--idle-timeout: "soon" is not a duration/,
    json: true },
  { name: 'provider daemon --idle-timeout 0 (the daemon exited at once)',
    args: () => ['provider', 'daemon', '--idle-timeout', '0'], env: daemonFile,
    code: 2, error: 'usage', message: /--idle-timeout: "0" is out of range: give from 1ms to 596h/,
    untouched: 'daemon.json', json: true },
  { name: 'provider daemon --idle-timeout past Node\'s longest timer (it exited at once)',
    args: () => ['provider', 'daemon', '--idle-timeout', '1000h'], env: daemonFile,
    code: 2, error: 'usage', message: /--idle-timeout: "1000h" is out of range/ },
  { name: 'provider daemon --stop with a --log-level that is no level',
    args: () => ['provider', 'daemon', '--stop', '--log-level', 'loud'], env: daemonFile,
    code: 2, error: 'usage', message: /--log-level: "loud" is not one of/ },
  { name: 'pack init --schema-base that is not a URL',
    args: () => ['pack', 'init', 'fresh', '--yes', '--schema-base', 'schemas'],
    code: 2, error: 'usage', message: /--schema-base "schemas" is not an http\(s\) or file: URL/,
    untouched: 'fresh', json: true },
  { name: 'pack init into a folder that is not empty',
    args: () => ['pack', 'init', 'taken', '--yes'],
    setup: (dir) => {
      mkdirSync(join(dir, 'taken'));
      writeFileSync(join(dir, 'taken', 'keep.txt'), 'mine');
    },
    code: 1, error: 'file_exists', message: /taken: the folder exists and is not empty/,
    json: true },
  { name: 'policy simulate --engine that is no http(s) URL, with a candidate not there',
    args: () => ['policy', 'simulate', '--engine', 'ftp://127.0.0.1', '--candidate', 'nope'],
    code: 2, error: 'usage', message: /--engine must be the engine's http\(s\) URL/,
    json: true },
  { name: 'pack publish --to with --publisher',
    args: () => ['pack', 'publish', 'p.tgz', '--to', 'npm:http://127.0.0.1:1', '--publisher', 'x'],
    code: 2, error: 'usage', message: /--publisher is used only with a Cordum registry/,
    json: true },
  { name: 'pack publish --to npm: with no URL (it read "npm::  is not")',
    args: () => ['pack', 'publish', 'p.tgz', '--to', 'npm:'],
    code: 2, error: 'usage',
    message: /--to npm:: "" after npm: is not an http\(s\) URL, e\.g\. npm:http:/, json: true },
  { name: 'pack publish --to with --registry',
    args: () => ['pack', 'publish', 'p.tgz', '--to', 'npm:http://127.0.0.1:1', '--registry',
      'http://127.0.0.1:1'],
    code: 2, error: 'usage', message: /--registry is used only with a Cordum registry/ },
  { name: 'policy rollback of a version that is no number',
    args: () => ['policy', 'rollback', '1.5', '--engine', 'http://127.0.0.1:1'],
    code: 2, error: 'usage', message: /VERSION must be a version number .* not "1\.5"/,
    json: true },
  { name: 'registry mirror --pack that is no pack id',
    args: () => ['registry', 'mirror', '--from', 'http://127.0.0.1:1', '--registry',
      'http://127.0.0.1:1', '--pack', 'Not_An_Id'],
    code: 2, error: 'usage', message: /--pack Not_An_Id: a pack id is .*a-z, 0-9 and -/ },
  { name: 'pack install of an id past 128 characters (said before any request)',
    args: () => ['pack', 'install', `${'a'.repeat(129)}@^1`, '--registry', 'http://127.0.0.1:1'],
    code: 2, error: 'usage',
    message: /"a{129}@\^1": expected ID@RANGE with an id of 1 to 128 characters of a-z, 0-9/,
    untouched: '.cordum', json: true },
  { name: 'pack install --project naming a file (said before any request)',
    args: (dir) => {
      writeFileSync(join(dir, 'notes.txt'), 'mine');
      return ['pack', 'install', 'hello-pack', '--project', 'notes.txt', '--registry',
        'http://127.0.0.1:1'];
    },
    code: 1, error: 'file_missing', message: /--project notes\.txt: is a file, not a folder/,
    json: true },
  { name: 'pack publish of a pack folder, not its tarball',
    args: (dir) => {
      mkdirSync(join(dir, 'weather'));
      return ['pack', 'publish', 'weather', '--registry', 'http://127.0.0.1:1'];
    },
    code: 1, error: 'file_missing',
    message: /tarball weather: is a folder, not a file: build it first \(cordum pack build weat/,
    json: true },
  { name: 'registry import of an archive not there',
    args: () => ['registry', 'import', 'none.tgz', '--data', 'data'],
    code: 1, error: 'file_missing', message: /archive none\.tgz: cannot be read/,
    untouched: 'data', json: true },
  { name: 'registry import with a --trust-key not there',
    args: (dir) => {
      writeFileSync(join(dir, 'a.tgz'), 'x');
      return ['registry', 'import', 'a.tgz', '--data', 'data', '--trust-key', 'k.pem'];
    },
    code: 1, error: 'file_missing', message: /--trust-key k\.pem: cannot be read/,
    untouched: 'data' },
  { name: 'registry import of a file that is no archive (a new registry was made first)',
    args: (dir) => {
      writeFileSync(join(dir, 'a.tgz'), 'x');
      return ['registry', 'import', 'a.tgz', '--data', 'data'];
    },
    code: 1, error: 'archive_invalid', message: /the archive is not a readable \.tar\.gz/,
    untouched: 'data', json: true },
  { name: 'keygen --out that is empty (the key pair went into the current folder)',
    args: () => ['keygen', '--out', ''],
    code: 2, error: 'usage', message: /--out must name a file or folder, not ""/,
    untouched: 'cordum.key', json: true },
  { name: 'pack build --out that is empty',
    args: () => ['pack', 'build', join(ROOT, 'examples', 'packs', 'echo-tools'), '--out', ''],
    code: 2, error: 'usage', message: /--out must name a file or folder/ },
  { name: 'pack test --junit that is empty (it was ignored)',
    args: () => ['pack', 'test', join(ROOT, 'examples', 'packs', 'echo-tools'), '--junit', ''],
    code: 2, error: 'usage', message: /--junit must name a file or folder/ },
  { name: 'registry serve --data that is empty (a registry in the current folder)',
    args: () => ['registry', 'serve', '--port', '0', '--data', ''],
    code: 2, error: 'usage', message: /--data must name a file or folder/, untouched: 'db' },
  { name: 'registry import --data that is empty',
    args: (dir) => {
      writeFileSync(join(dir, 'a.tgz'), 'x');
      return ['registry', 'import', 'a.tgz', '--data', ''];
    },
    code: 2, error: 'usage', message: /--data must name a file or folder/, untouched: 'db' },
  { name: 'registry audit export --out that is empty (it printed to stdout)',
    args: () => ['registry', 'audit', 'export', '--out', '', '--registry', 'http://127.0.0.1:1'],
    code: 2, error: 'usage', message: /--out must name a file or folder/ },
  { name: 'engine runs list --data that is empty',
    args: () => ['engine', 'runs', 'list', '--data', ''],
    code: 2, error: 'usage', message: /--data must name a file or folder/, untouched: 'db',
    json: true },
  { name: 'engine input --data-dir that is empty',
    args: () => ['engine', 'input', 'r', 's', '--data', '{}', '--data-dir', ''],
    code: 2, error: 'usage', message: /--data-dir must name a file or folder/, untouched: 'db' },
  { name: 'pack sign --key that is empty (it failed as "key : cannot be read")',
    args: () => ['pack', 'sign', 'p.tgz', '--key', ''],
    code: 2, error: 'usage', message: /--key must name a file or folder, not ""/, json: true },
  { name: 'pack init of an empty NAME (it scaffolded into the current folder)',
    args: () => ['pack', 'init', '', '--yes'],
    code: 2, error: 'usage', message: /NAME must name a file or folder, not ""/,
    untouched: 'pack.yaml', json: true },
  { name: 'provider install --dir that is empty (it installed into the current folder)',
    args: () => ['provider', 'install', '--dir', ''],
    code: 2, error: 'usage', message: /--dir must name a file or folder/,
    untouched: 'terraform.d' },
  { name: 'bundle install with one --key of several empty',
    args: () => ['bundle', 'install', 'b.json', '--key', 'k.pub', '--key', ' '],
    code: 2, error: 'usage', message: /--key must name a file or folder, not " "/ },
  { name: 'policy lint of an empty PATH (it said " does not exist")',
    args: () => ['policy', 'lint', ''],
    code: 2, error: 'usage', message: /PATH must name a file or folder, not ""/, json: true },
  { name: 'engine run --input-file of a folder (Node\'s EISDIR named no path)',
    args: (dir) => {
      mkdirSync(join(dir, 'in'));
      return ['engine', 'run', 'a.b', '--input-file', 'in'];
    },
    code: 1, error: 'file_missing', message: /input file in: is a folder, not a file/,
    untouched: '.cordum', json: true },
  { name: 'engine runs list --data of a file (it answered "no runs yet")',
    args: (dir) => {
      writeFileSync(join(dir, 'notes.txt'), 'x');
      return ['engine', 'runs', 'list', '--data', 'notes.txt'];
    },
    code: 1, error: 'file_missing', message: /--data notes\.txt: is a file, not a folder/,
    json: true },
  { name: 'pack install --project of a file (it failed on FILE/cordum.lock.busy)',
    args: (dir) => {
      writeFileSync(join(dir, 'notes.txt'), 'x');
      return ['pack', 'install', 'a@1', '--project', 'notes.txt', '--registry',
        'http://127.0.0.1:1'];
    },
    code: 1, error: 'file_missing', message: /--project notes\.txt: is a file, not a folder/,
    json: true },
  { name: 'provider install --dir of a file',
    args: (dir) => {
      writeFileSync(join(dir, 'notes.txt'), 'x');
      return ['provider', 'install', '--dir', 'notes.txt'];
    },
    code: 1, error: 'file_missing', message: /--dir notes\.txt: is a file, not a folder/ },
  { name: 'registry key add of a folder (it said only "cannot be read")',
    args: (dir) => {
      mkdirSync(join(dir, 'keys'));
      return ['registry', 'key', 'add', 'keys', '--registry', 'http://127.0.0.1:1'];
    },
    code: 1, error: 'file_missing', message: /public key keys: is a folder, not a file/,
    json: true },
  { name: 'pack install --from npm: with a --key folder',
    args: (dir) => {
      mkdirSync(join(dir, 'keys'));
      return ['pack', 'install', 'a@1', '--from', 'npm:http://127.0.0.1:1', '--key', 'keys'];
    },
    code: 1, error: 'file_missing', message: /public key keys: is a folder, not a file/ },
  { name: 'engine serve --data that is empty',
    args: () => ['engine', 'serve', '--port', '0', '--data', ''],
    code: 2, error: 'usage', message: /--data must name a file or folder/, untouched: 'db' },
  { name: 'bundle create --out of a folder, by its slash (it wrote a file named bdir)',
    args: () => ['bundle', 'create', 'a@1', '--out', 'bdir/', '--registry', 'http://127.0.0.1:1'],
    code: 2, error: 'usage', message: /--out bdir\/ is a folder: give the file to write, such as /,
    untouched: 'bdir', json: true },
  { name: 'registry audit export --out of a folder (it failed with EISDIR)',
    args: (dir) => {
      mkdirSync(join(dir, 'out'));
      return ['registry', 'audit', 'export', '--out', 'out', '--format', 'csv', '--registry',
        'http://127.0.0.1:1'];
    },
    code: 2, error: 'usage', message: /--out out is a folder: .* such as out\/audit\.csv/ },
  { name: 'pack test --junit of a folder, by its slash',
    args: () => ['pack', 'test', join(ROOT, 'examples', 'packs', 'echo-tools'), '--junit', 'r/'],
    code: 2, error: 'usage', message: /--junit r\/ is a folder/, untouched: 'r', json: true },
];

async function run(c: Case, json: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'cordum-consistency-'));
  c.setup?.(dir);
  const ran = await cordum([...c.args(dir), ...(json ? ['--json'] : [])],
    { cwd: dir, ...(c.env ? { env: c.env(dir) } : {}) });
  return { dir, ran };
}

describe('cordum commands report a failure alike', () => {
  it.each(cases)('$name', async (c) => {
    const { dir, ran } = await run(c, false);

    expect(ran.stderr).toMatch(new RegExp(`^error\\[${c.error}\\]: `));
    expect(ran.stderr).toMatch(c.message);
    expect(ran.stdout).toBe('');
    expect(ran.code).toBe(c.code);
    if (c.untouched) expect(existsSync(join(dir, c.untouched))).toBe(false);
  }, 60_000);

  it.each(cases.filter((c) => c.json))('$name, with --json', async (c) => {
    const { ran } = await run(c, true);

    const doc = JSON.parse(ran.stdout) as { ok: boolean; error: { code: string; message: string } };
    expect(doc.ok).toBe(false);
    expect(doc.error.code).toBe(c.error);
    expect(doc.error.message).toMatch(c.message);
    expect(ran.code).toBe(c.code);
  }, 60_000);
});

describe('an --out that names a folder (a slash at its end, or there) gets the file inside', () => {
  const example = join(ROOT, 'examples', 'packs', 'echo-tools');

  it.each(['dist/', 'dist'])('pack build --out %s, then pack sign --out into it', async (out) => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-consistency-'));
    if (!out.endsWith('/')) mkdirSync(join(dir, out));
    expect((await cordum(['keygen', '--out', 'k'], { cwd: dir })).code).toBe(0);

    const built = await cordum(['pack', 'build', example, '--out', out, '--json'], { cwd: dir });
    const signed = await cordum(['pack', 'sign', json<{ file: string }>(built).file, '--key',
      join('k', 'cordum.key'), '--out', out], { cwd: dir });

    expect(json<{ file: string }>(built).file).toBe(join(dir, 'dist', 'echo-tools-0.2.0.tgz'));
    expect(signed.code).toBe(0);
    expect(existsSync(join(dir, 'dist', 'echo-tools-0.2.0.tgz.sigstore.json'))).toBe(true);
  }, 60_000);
});

describe('an output file is written into a folder the command makes, as pack build does', () => {
  const example = join(ROOT, 'examples', 'packs', 'echo-tools');

  it('pack test --junit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-consistency-'));

    const ran = await cordum(['pack', 'test', example, '--junit', join(dir, 'reports', 'j.xml')]);

    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(existsSync(join(dir, 'reports', 'j.xml'))).toBe(true);
  }, 60_000);

  it('pack sign --out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-consistency-'));
    expect((await cordum(['keygen', '--out', join(dir, 'k')])).code).toBe(0);
    expect((await cordum(['pack', 'build', example, '--out', join(dir, 'p.tgz')])).code).toBe(0);

    const ran = await cordum(['pack', 'sign', join(dir, 'p.tgz'), '--key',
      join(dir, 'k', 'cordum.key'), '--out', join(dir, 'sigs', 'p.sigstore.json')]);

    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(existsSync(join(dir, 'sigs', 'p.sigstore.json'))).toBe(true);
  }, 60_000);
});

describe('a folder where a file is read is named', () => {
  it('pack verify --tree-head of a folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-consistency-'));
    const example = join(ROOT, 'examples', 'packs', 'echo-tools');
    mkdirSync(join(dir, 'heads'));
    for (const args of [['keygen', '--out', 'k'], ['pack', 'build', example, '--out', 'p.tgz'],
      ['pack', 'sign', 'p.tgz', '--key', join('k', 'cordum.key')]]) {
      expect((await cordum(args, { cwd: dir })).code).toBe(0);
    }

    const ran = await cordum(['pack', 'verify', 'p.tgz', '--key', join('k', 'cordum.pub'),
      '--registry', 'http://127.0.0.1:1', '--tree-head', 'heads'], { cwd: dir });

    expect(ran.stderr).toBe('error[file_missing]: tree head heads: is a folder, not a file\n');
    expect(ran.code).toBe(1);
  }, 60_000);
});

describe('help gives the default of the engine data folder wherever it is a flag', () => {
  it.each([['run', '--data'], ['approve', '--data'], ['cancel', '--data'],
    ['input', '--data-dir'], ['serve', '--data'], ['reject', '--data'], ['runs list', '--data'],
    ['runs show', '--data']])('engine %s %s', async (command, flag) => {
    const ran = await cordum(['engine', ...command.split(' '), '--help']);

    const help = ran.stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`${flag} <dir> engine data folder (default <project>/.cordum/engine;`);
    expect(ran.code).toBe(0);
  }, 60_000);
});

describe('a command group without a command lists its commands, then says what is missing', () => {
  it.each([['pack'], ['engine', 'runs'], ['registry'], []])('cordum %s', async (...group) => {
    const ran = await cordum(group);

    expect(ran.stderr).toMatch(/^Usage: cordum/);
    expect(ran.stderr).toContain('Commands:');
    expect(ran.stderr.trimEnd().split('\n').at(-1))
      .toBe('error[usage]: missing command: pick one from the list above');
    expect(ran.stdout).toBe('');
    expect(ran.code).toBe(2);
  }, 60_000);
});

// `npm run demo`: the whole user path on our example packs, with real processes.
// A registry on loopback; keygen; validate, build, sign and publish each pack;
// install them pinned; run their workflows in the engine; approve what waits.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'cordum.js');
const work = mkdtempSync(join(tmpdir(), 'cordum-demo-'));
const project = join(work, 'project');
const token = `demo-${randomBytes(12).toString('hex')}`;
const keep = process.env.KEEP === '1';

const say = (line) => process.stdout.write(`\n== ${line}\n`);

function cordum(args, options = {}) {
  const out = execFileSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? work,
    env: { ...process.env, CORDUM_TOKEN: token, ...options.env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (!options.quiet) process.stdout.write(`${out.trimEnd().replace(/^/gm, '   ')}\n`);
  return out;
}

function startRegistry() {
  return new Promise((resolveUrl, reject) => {
    const child = spawn(process.execPath, [bin, 'registry', 'serve', '--port', '0',
      '--data', join(work, 'registry')], {
      env: { ...process.env, CORDUM_BOOTSTRAP_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = seen.match(/listening on (http:\/\/\S+)/);
      if (match) resolveUrl({ child, url: match[1] });
    });
    child.stderr.on('data', (chunk) => {
      const text = String(chunk);
      // Progress lines (not JSON logs) go through, so a first slow start is explained.
      for (const line of text.split('\n')) if (line && !line.startsWith('{')) {
        process.stderr.write(`   [registry] ${line}\n`);
      }
    });
    child.on('exit', (code) => reject(new Error(`registry exited with ${code}`)));
  });
}

let registry;
try {
  say('starting a registry on loopback (first start makes its embedded database)');
  registry = await startRegistry();
  const env = { CORDUM_REGISTRY: registry.url };
  process.stdout.write(`   ${registry.url}\n`);

  say('making a signing key and registering it with the registry');
  cordum(['keygen', '--out', join(work, 'keys')]);
  cordum(['registry', 'key', 'add', join(work, 'keys', 'cordum.pub')], { env });

  const packsDir = join(root, 'examples', 'packs');
  const ids = [];
  for (const name of readdirSync(packsDir).sort()) {
    const dir = join(packsDir, name);
    say(`pack ${name}: validate, test, build, sign, publish`);
    cordum(['pack', 'validate', dir]);
    cordum(['pack', 'test', dir]);
    const built = JSON.parse(cordum(['pack', 'build', dir, '--out',
      join(work, 'dist', `${name}.tgz`), '--json'], { quiet: true }));
    process.stdout.write(`   built ${built.id}@${built.version} sha256 ${built.sha256}\n`);
    cordum(['pack', 'sign', built.file, '--key', join(work, 'keys', 'cordum.key')]);
    cordum(['pack', 'publish', built.file], { env });
    ids.push(built.id);
  }

  say('installing the packs into a project, pinned in cordum.lock');
  execFileSync('mkdir', ['-p', project]);
  cordum(['pack', 'install', ...ids.map((id) => `${id}@*`)], { cwd: project, env });
  writeFileSync(join(project, 'cordum.deployment.yaml'), [
    'apiVersion: cordum.io/v1alpha1',
    'kind: Deployment',
    'metadata: { name: demo }',
    'spec:',
    '  tenant: default',
    '  handlers:',
    '    - topics: ["job.*.*"]',
    '      builtin: echo',
    '',
  ].join('\n'));

  say('running echo-tools.greet (allowed)');
  cordum(['engine', 'run', 'echo-tools.greet', '--input', '{"name":"Ada"}'], { cwd: project });

  say('running ops-guard.cleanup (archive allowed with constraints, delete denied)');
  try {
    cordum(['engine', 'run', 'ops-guard.cleanup', '--input', '{"service":"billing"}'],
      { cwd: project });
  } catch (err) {
    process.stdout.write(String(err.stdout ?? '').replace(/^/gm, '   '));
    process.stdout.write('   (the run failed, as the policy says it must)\n');
  }

  say('running ops-guard.release (the prod deploy waits for approval)');
  const run = JSON.parse(cordum(['engine', 'run', 'ops-guard.release', '--input',
    '{"service":"billing","version":"2.4.0"}', '--json'], { cwd: project, quiet: true }));
  process.stdout.write(`   run ${run.run_id ?? run.id}: ${run.status}\n`);
  say('approving the deploy step');
  cordum(['engine', 'approve', run.run_id ?? run.id, 'deploy', '--note', 'looks good'],
    { cwd: project });

  say('done: every step above ran through real CLI and registry processes');
} finally {
  registry?.child.kill('SIGTERM');
  if (!keep) rmSync(work, { recursive: true, force: true });
  else process.stdout.write(`kept ${work}\n`);
}

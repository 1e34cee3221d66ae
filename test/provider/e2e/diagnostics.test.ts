/**
 * What a Terraform user sees when something is wrong: plan-time validation
 * errors that point at the attribute, and registry failures (401, 409, 5xx,
 * timeouts, nothing listening) as diagnostics that say what to do. The 5xx
 * and the timeout come from real loopback servers started here.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installProvider,
  newKey,
  registryApi,
  signedPack,
  tempDir,
  terraformAsync,
  terraformEnv,
  registryWithHelloPack,
  TF_HEAD as HEAD,
  type RunningRegistry,
} from '../helpers.js';


let registry: RunningRegistry;
const servers: (Server | TcpServer)[] = [];
const sockets: Socket[] = [];

/** A fresh folder with the provider installed, `main.tf` and a plan of it. */
async function plan(config: string, overrides: NodeJS.ProcessEnv = {}) {
  const dir = tempDir('cordum-tf-diag-');
  installProvider(dir);
  writeFileSync(join(dir, 'main.tf'), HEAD + config);
  const env = { ...terraformEnv(dir, registry), ...overrides };
  const init = await terraformAsync(dir, env, 'init', '-input=false', '-no-color');
  expect(init.code).toBe(0);
  return terraformAsync(dir, env, 'plan', '-input=false', '-no-color');
}

function listen(server: Server | TcpServer): Promise<string> {
  servers.push(server);
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      done(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    });
  });
}

beforeAll(async () => {
  registry = await registryWithHelloPack();
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
  await registry?.stop();
});

describe('plan-time validation', () => {
  it('points each invalid value at its attribute', async () => {
    const r = await plan(`
resource "cordum_deployment" "bad" {
  name = "bad"
  pack {
    id    = "hello-pack"
    range = "not-a-range"
  }
}

resource "cordum_policy_bundle" "bad" {
  deployment = "bad"
  name       = "bad"
  rule {
    id       = "r1"
    decision = "maybe"
    match {
      topics = ["job.[unclosed"]
    }
  }
}
`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: Invalid Version Range');
    expect(r.stderr).toContain('range = "not-a-range"');
    expect(r.stderr).toContain('Error: Invalid Decision');
    expect(r.stderr).toContain('decision = "maybe"');
    expect(r.stderr).toContain('Error: Invalid Topic Glob');
    expect(r.stderr).toContain('topics = ["job.[unclosed"]');
  });

  it('refuses an empty range, a rule id used twice and a fractional timeout', async () => {
    const r = await plan(`
resource "cordum_deployment" "empty" {
  name = "empty"
  pack {
    id    = "hello-pack"
    range = ""
  }
}

resource "cordum_policy_bundle" "twice" {
  deployment = "empty"
  name       = "twice"
  rule {
    id       = "same"
    decision = "deny"
  }
  rule {
    id       = "same"
    decision = "allow"
  }
}
`);
    expect(r.code).toBe(1);
    const said = r.stderr.replace(/\s+/g, ' ');
    expect(said).toContain('Error: Invalid Version Range');
    expect(said).toContain('range = ""');
    expect(said).toContain('Error: Duplicate Rule Id');
    expect(said).toContain('Rule id "same" is used by an earlier rule block');
    // The provider block is checked before any resource: on its own.
    const slow = await plan('provider "cordum" {\n  timeout_seconds = 1.5\n}\n\n' +
      'resource "cordum_token" "t" {\n  name   = "t"\n  scopes = ["read"]\n}\n');
    expect(slow.code).toBe(1);
    expect(slow.stderr.replace(/\s+/g, ' ')).toContain(
      'timeout_seconds 1.5 is not a whole number of seconds from 1 to 86400');
  });

  it('refuses an empty rule id at plan time, on the rule', async () => {
    const r = await plan(`
resource "cordum_policy_bundle" "blank" {
  deployment = "blank"
  name       = "blank"
  rule {
    id       = ""
    decision = "deny"
  }
}
`);
    expect(r.code).toBe(1);
    const said = r.stderr.replace(/\s+/g, ' ');
    expect(said).toContain('Error: Empty Rule Id');
    expect(said).toContain('id = ""');
  });

  it('refuses a default_tenant beside a fragment file, which would be ignored', async () => {
    const file = join(tempDir('cordum-tf-fragment-'), 'guard.yaml');
    writeFileSync(file, 'rules:\n  - id: guard\n    decision: deny\n');
    const r = await plan(`
resource "cordum_policy_bundle" "file" {
  deployment     = "file"
  name           = "file"
  fragment_file  = "${file}"
  default_tenant = "acme"
}
`);
    expect(r.code).toBe(1);
    const said = r.stderr.replace(/\s+/g, ' ');
    expect(said).toContain('Error: Conflicting Policy Sources');
    expect(said).toContain('default_tenant = "acme"');
    expect(said).toContain('set `default_tenant` in the fragment file');
  });

  it('refuses an unknown pack id and a range that matches nothing, at plan time', async () => {
    const r = await plan(`
resource "cordum_deployment" "missing" {
  name = "missing"
  pack {
    id    = "no-such-pack"
    range = "^1.0.0"
  }
}

resource "cordum_deployment" "unsatisfied" {
  name = "unsatisfied"
  pack {
    id    = "hello-pack"
    range = "^9.0.0"
  }
}
`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The registry has no pack "no-such-pack"');
    expect(r.stderr).toContain('id    = "no-such-pack"');
    expect(r.stderr).toContain('No published version of "hello-pack" satisfies "^9.0.0"');
    expect(r.stderr).toContain('range = "^9.0.0"');
  });

  it('refuses a tarball whose version is already published with other contents', async () => {
    const dir = tempDir('cordum-tf-conflict-');
    mkdirSync(join(dir, 'build'));
    // Same id and version as the published one, signed by another key: other bytes.
    await signedPack('hello-pack', '1.0.0', newKey(), join(dir, 'build'), (m) =>
      m.replace(/^(\s+title:\s*).*$/m, '$1Hello Pack, rebuilt'),
    );
    const r = await plan(`
resource "cordum_pack_version" "again" {
  tarball = "${join(dir, 'build', 'hello-pack-1.0.0.tgz')}"
}
`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: Version Already Published');
    expect(r.stderr).toContain('bump');
  });

  it('refuses, on bundle, a signature bundle of other bytes than the tarball', async () => {
    const dir = tempDir('cordum-tf-otherbundle-');
    const key = newKey();
    const slack = await signedPack('slack', '9.0.0', key, dir);
    const github = await signedPack('github', '9.0.0', key, dir);
    const r = await plan(`
resource "cordum_pack_version" "mixed" {
  tarball = "${slack.tarball}"
  bundle  = "${github.tarball}.sigstore.json"
}
`);
    expect(r.code).toBe(1);
    // Terraform folds long lines: compare with the whitespace made single spaces.
    expect(r.stderr.replace(/\s+/g, ' ')).toContain(`"${github.tarball}.sigstore.json" signs ` +
      `other bytes (sha256 ${github.sha256}) than "${slack.tarball}" (sha256 ${slack.sha256}).`);
    expect(r.stderr).toMatch(/"mixed":\n\s+\d+:\s+bundle\s+=/);
  });

  it('says to import a tarball published already, even signed by another key; then plans clean',
    async () => {
      const dir = tempDir('cordum-tf-same-bytes-');
      installProvider(dir);
      mkdirSync(join(dir, 'build'));
      // The published bytes (builds are reproducible), signed here by another key.
      const copy = await signedPack('hello-pack', '1.0.0', newKey(), join(dir, 'build'));
      writeFileSync(join(dir, 'main.tf'),
        `${HEAD}resource "cordum_pack_version" "hello" {\n  tarball = "${copy.tarball}"\n}\n`);
      const env = terraformEnv(dir, registry);
      const tf = (command: string, ...args: string[]) =>
        terraformAsync(dir, env, command, '-input=false', '-no-color', ...args);
      expect((await tf('init')).code).toBe(0);
      const planned = await tf('plan');
      expect(planned.code).toBe(1);
      const said = planned.stderr.replace(/\s+/g, ' ');
      expect(said).toContain('hello-pack@1.0.0 is already published from this tarball');
      expect(said).toMatch(/signed there by key \S+; this tarball's bundle is signed by key /);
      expect(said).toContain(`terraform import <address> ${copy.tarball}`);

      expect((await tf('import', 'cordum_pack_version.hello', copy.tarball)).code).toBe(0);
      // Its state keeps the registry's signer, so nothing is replaced (or yanked) by an apply.
      expect((await tf('plan', '-detailed-exitcode')).code).toBe(0);
      const remote = await registryApi(registry).call('GET', '/v1/packs/hello-pack');
      const shown = await terraformAsync(dir, env, 'state', 'show', '-no-color',
        'cordum_pack_version.hello');
      const published = (remote.body.versions as { version: string; key_id: string }[])
        .find((v) => v.version === '1.0.0');
      expect(shown.stdout).toContain(`key_id            = "${published!.key_id}"`);
    }, 120_000);
});

describe('resolution', () => {
  it('skips a yanked version, at plan time', async () => {
    const api = registryApi(registry);
    const key = newKey();
    await api.call('POST', '/v1/keys', { public_key: key.publicPem });
    const out = tempDir('cordum-yank-');
    expect(await api.publish(await signedPack('hello-pack', '1.5.0', key, out))).toBe(201);
    const yank = await api.call('PUT', '/v1/packs/hello-pack/versions/1.5.0/yank', {
      yanked: true,
    });
    expect(yank.body.yanked).toBe(true);

    const dir = tempDir('cordum-tf-yank-');
    installProvider(dir);
    const config = `data "cordum_pack" "hello" {\n  id    = "hello-pack"\n  range = "^1.0.0"\n}\n`;
    writeFileSync(
      join(dir, 'main.tf'),
      `${HEAD}${config}output "version" {\n  value = data.cordum_pack.hello.version\n}\n`,
    );
    const env = terraformEnv(dir, registry);
    expect((await terraformAsync(dir, env, 'init', '-input=false', '-no-color')).code).toBe(0);
    const apply = await terraformAsync(
      dir,
      env,
      'apply',
      '-input=false',
      '-no-color',
      '-auto-approve',
    );
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('version = "1.0.0"');
  });
});

describe('registry failures', () => {
  const data = `data "cordum_catalog" "all" {}\n`;

  it('a wrong token says how to set one', async () => {
    const r = await plan(data, { CORDUM_TOKEN: 'wrong' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: Registry Authentication Failed');
    expect(r.stderr).toContain('CORDUM_TOKEN');
  });

  it('nothing listening says to check the URL', async () => {
    const closed = createTcpServer();
    const url = await listen(closed);
    closed.close();
    const r = await plan(data, { CORDUM_REGISTRY: url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: Registry Unreachable');
    expect(r.stderr).toContain('Check the provider');
  });

  it('a CORDUM_REGISTRY without a scheme or with a query is a configuration error', async () => {
    for (const url of ['127.0.0.1:7800', 'localhost:7800', 'http://127.0.0.1:7800/?x=1']) {
      const r = await plan(data, { CORDUM_REGISTRY: url });
      expect(r.code).toBe(1);
      const said = r.stderr.replace(/\s+/g, ' ');
      expect(said).toContain('Error: Invalid Provider Configuration');
      expect(said).toContain(`CORDUM_REGISTRY "${url}" is not the base URL of a registry`);
      expect(said).not.toContain('bug in the Cordum provider');
    }
  });

  it('a 5xx answer says the registry failed', async () => {
    const failing = createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ code: 'internal', title: 'Internal Error', detail: 'disk full' }));
    });
    const r = await plan(data, { CORDUM_REGISTRY: await listen(failing) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: Registry Server Error');
    expect(r.stderr).toContain('disk full');
    expect(r.stderr).toContain('try again');
  });

  it('a create whose connection drops says to import, not that applying again is safe',
    async () => {
    // Reads the whole request (the registry may have acted on it), then drops the connection.
    const dropping = createTcpServer((socket) => {
      socket.once('data', () => setTimeout(() => socket.destroy(), 50));
    });
    const dir = tempDir('cordum-tf-drop-');
    installProvider(dir);
    writeFileSync(join(dir, 'main.tf'), `${HEAD}
resource "cordum_deployment" "dropped" {
  name = "dropped"
}
`);
    const env = { ...terraformEnv(dir, registry), CORDUM_REGISTRY: await listen(dropping) };
    expect((await terraformAsync(dir, env, 'init', '-input=false', '-no-color')).code).toBe(0);
    const r = await terraformAsync(dir, env, 'apply', '-auto-approve', '-input=false',
      '-no-color');
    expect(r.code).toBe(1);
    const said = r.stderr.replace(/\s+/g, ' ');
    expect(said).toContain('Lost the connection to the registry');
    expect(said).toContain('during PUT /v1/deployments/dropped');
    expect(said).toContain('terraform import');
    expect(said).not.toContain('applying again sets the same values');
  });

  // Every read answered 404 there, taken as "gone": refresh-only dropped the deployment from
  // state while it lived on.
  it('a URL with a path the registry does not serve keeps the state as it is', async () => {
    const dir = tempDir('cordum-tf-wrongpath-');
    installProvider(dir);
    writeFileSync(join(dir, 'main.tf'), `${HEAD}
resource "cordum_deployment" "kept" {
  name = "kept"
}
`);
    const env = terraformEnv(dir, registry);
    const tf = (e: NodeJS.ProcessEnv, ...args: string[]) =>
      terraformAsync(dir, e, ...args, '-input=false', '-no-color');
    expect((await tf(env, 'init')).code).toBe(0);
    expect((await tf(env, 'apply', '-auto-approve')).code).toBe(0);
    const wrong = { ...env, CORDUM_REGISTRY: `${registry.url}/registry` };
    const r = await tf(wrong, 'apply', '-refresh-only', '-auto-approve');
    expect(r.code).toBe(1);
    const said = r.stderr.replace(/\s+/g, ' ');
    expect(said).toContain('Error: Invalid Provider Configuration');
    expect(said).toContain(`${registry.url}/registry answered 404 to GET /registry/v1/` +
      'deployments/kept');
    const list = await terraformAsync(dir, env, 'state', 'list');
    expect(list.stdout.trim()).toBe('cordum_deployment.kept');
  });

  // StopProvider did nothing, so Terraform waited out timeout_seconds (here 60 s) after Ctrl-C.
  it('Ctrl-C during a call the registry never answers ends it at once, saying what was sent',
    async () => {
    let received: () => void = () => undefined;
    const sent = new Promise<void>((done) => (received = done));
    const silent = createTcpServer((socket) => {
      sockets.push(socket);
      socket.once('data', () => received());
    });
    const dir = tempDir('cordum-tf-stop-');
    installProvider(dir);
    writeFileSync(join(dir, 'main.tf'), `${HEAD}
provider "cordum" {
  timeout_seconds = 60
}

resource "cordum_token" "stuck" {
  name   = "stuck"
  scopes = ["read"]
}
`);
    const env = { ...terraformEnv(dir, registry), CORDUM_REGISTRY: await listen(silent) };
    expect((await terraformAsync(dir, env, 'init', '-input=false', '-no-color')).code).toBe(0);
    const apply = spawn('terraform', ['apply', '-auto-approve', '-input=false', '-no-color'],
      { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let said = '';
    apply.stdout.on('data', (c: Buffer) => (said += c.toString()));
    apply.stderr.on('data', (c: Buffer) => (said += c.toString()));
    const exited = new Promise<number | null>((done) => apply.on('close', done));
    await sent;
    const interrupted = Date.now();
    apply.kill('SIGINT');
    const killer = setTimeout(() => apply.kill('SIGKILL'), 30_000);
    expect(await exited).toBe(1);
    clearTimeout(killer);
    expect(Date.now() - interrupted).toBeLessThan(10_000);
    const flat = said.replace(/\s+/g, ' ');
    expect(flat).toContain('Error: Operation Interrupted');
    expect(flat).toContain('Terraform was interrupted during POST /v1/tokens');
    expect(flat).toContain('the registry may have made the object');
  }, 60_000);

  it('a registry that never answers times out with the deadline named', async () => {
    const silent = createTcpServer((socket) => sockets.push(socket));
    const url = await listen(silent);
    const r = await plan(`provider "cordum" {\n  timeout_seconds = 1\n}\n${data}`, {
      CORDUM_REGISTRY: url,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: Registry Timed Out');
    expect(r.stderr).toContain('within 1 s');
  });
});

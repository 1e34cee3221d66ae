/**
 * Service discovery for real: a registry served over TLS (a self-signed
 * certificate for `localhost`, trusted through SSL_CERT_FILE, which Go reads
 * on Linux) and a provider source `localhost:PORT/cordum/cordum` with no
 * `host` block, so Terraform itself reads `/.well-known/terraform.json`.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from '../helpers/databases.js';
import { CLI, tempDir, terraform } from '../provider/helpers.js';

function startTlsRegistry(dataDir: string, cert: string, key: string) {
  const child = spawn(process.execPath, [CLI, 'registry', 'serve', '--port', '0', '--data',
    dataDir, '--tls-cert', cert, '--tls-key', key], {
    env: { ...process.env, CORDUM_BOOTSTRAP_TOKEN: 'boot_tls', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = new Promise<string>((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error('registry did not start')), 60_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        done(m[1]);
      }
    });
    child.on('exit', (code) => fail(new Error(`registry exited ${code}`)));
  });
  return { child, url };
}

describe('terraform discovers the provider registry over HTTPS', () => {
  let child: ChildProcess | undefined;
  let port = '';
  const dir = tempDir('cordum-tfdisco-');

  beforeAll(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt',
      'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'key.pem'), '-out',
      join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'pipe' });
    const { dataDir } = await pgliteBackend.fresh();
    const started = startTlsRegistry(dataDir, join(dir, 'cert.pem'), join(dir, 'key.pem'));
    child = started.child;
    port = new URL(await started.url).port;
  }, 90_000);
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGTERM');
  });

  it('installs localhost:PORT/cordum/cordum with no host block', () => {
    const project = join(dir, 'project');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'main.tf'), ['terraform {', '  required_providers {',
      '    cordum = {', `      source  = "localhost:${port}/cordum/cordum"`,
      '      version = "0.1.0"', '    }', '  }', '}', ''].join('\n'));
    writeFileSync(join(dir, 'cli.tfrc'), '# nothing: discovery finds the registry\n');
    const env = { ...process.env, TF_CLI_CONFIG_FILE: join(dir, 'cli.tfrc'),
      SSL_CERT_FILE: join(dir, 'cert.pem'), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    const init = terraform(project, env, 'init', '-no-color', '-input=false');
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const installed = `Installed localhost:${port}/cordum/cordum v0\\.1\\.0`;
    expect(init.stdout).toMatch(new RegExp(`${installed} \\(self-signed, key ID [0-9A-F]{16}\\)`));

    // Without trusting the certificate, discovery itself fails.
    const untrusted = terraform(project, { ...env, SSL_CERT_FILE: join(dir, 'key.pem') },
      'init', '-no-color', '-input=false', '-upgrade');
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr.replace(/\s+/g, ' ')).toMatch(/certificate/);
  }, 240_000);
});

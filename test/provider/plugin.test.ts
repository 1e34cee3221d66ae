/**
 * The provider process as Terraform sees it: dist/provider.cjs spawned with
 * the magic cookie, the handshake line, gRPC over a Unix socket with mutual
 * TLS, SIGINT ignored, a prompt exit on Shutdown, logs only on stderr and
 * only as TF_LOG asks. Needs `npm run build`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { makeServerCertificate } from '../../provider/plugin/certificate.js';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../../provider/plugin/handshake.js';
import { clients, derToPem, tlsClients, unary } from './grpc_client.js';
import { ROOT } from './helpers.js';

const PROVIDER = join(ROOT, 'dist', 'provider.cjs');

interface Started {
  child: ChildProcessWithoutNullStreams;
  line: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; ms: number }>;
}

function start(env: NodeJS.ProcessEnv): Promise<Started> {
  if (!existsSync(PROVIDER)) throw new Error(`${PROVIDER} is missing: run npm run build`);
  const child = spawn(process.execPath, [PROVIDER], {
    env: { PATH: process.env.PATH, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, ...env },
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  let stopAsked = 0;
  const exited = new Promise<{ code: number | null; ms: number }>((done) =>
    child.on('exit', (code) => done({ code, ms: Date.now() - stopAsked })),
  );
  return new Promise((done, fail) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) {
        stopAsked = Date.now();
        done({ child, line: out.split('\n')[0]!, stdout: () => out, stderr: () => err, exited });
      }
    });
    child.on('exit', (code) => fail(new Error(`exited ${code} before the handshake: ${err}`)));
  });
}

describe('provider process', () => {
  it('refuses to run without the magic cookie and says what it is', async () => {
    const child = spawn(process.execPath, [PROVIDER], { env: { PATH: process.env.PATH } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise((done) => child.on('exit', done));
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('This binary is a plugin');
  });

  it('serves mutual TLS with the client certificate from PLUGIN_CLIENT_CERT', async () => {
    const client = makeServerCertificate();
    const p = await start({ PLUGIN_CLIENT_CERT: client.certPem });
    const [core, proto, network, , protocol, cert] = p.line.split('|');
    expect([core, proto, network, protocol]).toEqual(['1', '6', 'unix', 'grpc']);
    expect(cert).toMatch(/^[A-Za-z0-9+/]+$/);

    const { provider, controller } = tlsClients(p.line, client);
    const schema = await unary(provider, 'GetProviderSchema', {});
    expect(Object.keys(schema.resource_schemas as object).sort()).toEqual([
      'cordum_deployment',
      'cordum_pack_version',
      'cordum_policy_bundle',
      'cordum_publisher_key',
      'cordum_token',
    ]);
    expect(Object.keys(schema.data_source_schemas as object).sort()).toEqual([
      'cordum_catalog',
      'cordum_pack',
      'cordum_policy_decision',
    ]);

    // Ctrl-C reaches plugins too; Terraform then calls StopProvider, so keep serving.
    p.child.kill('SIGINT');
    expect(await unary(provider, 'StopProvider', {})).toEqual({});

    await unary(controller, 'Shutdown', {});
    const { code, ms } = await p.exited;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(1500);
    expect(p.stdout()).toBe(`${p.line}\n`);
    expect(p.stderr()).toBe('');
    provider.close();
    controller.close();
  });

  it('refuses a client that does not present the expected certificate', async () => {
    const expected = makeServerCertificate();
    const stranger = makeServerCertificate();
    const p = await start({ PLUGIN_CLIENT_CERT: expected.certPem });
    const { provider } = tlsClients(p.line, stranger);
    await expect(unary(provider, 'GetMetadata', {})).rejects.toThrow(/UNAVAILABLE|14/);
    provider.close();
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  });

  it('refuses a client that presents no certificate at all', async () => {
    const p = await start({ PLUGIN_CLIENT_CERT: makeServerCertificate().certPem });
    const [, , , address, , cert] = p.line.split('|');
    const creds = grpc.credentials.createSsl(Buffer.from(derToPem(cert!)));
    const { provider } = clients(address!, creds);
    await expect(unary(provider, 'GetMetadata', {})).rejects.toThrow(/UNAVAILABLE|14/);
    provider.close();
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  });

  it('logs JSON lines on stderr at the TF_LOG level, plaintext without a client cert', async () => {
    const p = await start({ TF_LOG: 'DEBUG' });
    expect(p.line.endsWith('|grpc|')).toBe(true);
    const address = p.line.split('|')[3]!;
    const { provider, controller } = clients(address, grpc.credentials.createInsecure());
    await unary(provider, 'GetMetadata', {});
    await unary(controller, 'Shutdown', {});
    expect((await p.exited).code).toBe(0);
    const lines = p
      .stderr()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(lines.map((l) => l['@message'])).toContain('plugin listening');
    expect(lines.map((l) => l['@message'])).toContain('shutdown requested');
    expect(new Set(lines.map((l) => l['@level']))).toEqual(new Set(['debug']));
    expect(lines.every((l) => l['@module'] === 'provider.cordum')).toBe(true);
    provider.close();
    controller.close();
  });
});

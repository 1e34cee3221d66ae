/**
 * NODE_EXTRA_CA_CERTS without its start-up cost: the installed launcher
 * moves it to CORDUM_EXTRA_CA_CERTS before node starts, and the registry
 * client trusts that file (besides Node's roots) for https, against a real
 * loopback https server whose certificate only that file vouches for.
 */
import { spawnSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { rootCertificates } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryApi } from '../../provider/clients/registry.js';
import { trustedRoots } from '../../provider/clients/transport.js';
import { makeServerCertificate } from '../../provider/plugin/certificate.js';
import { ProviderError } from '../../provider/errors.js';
import { CLI, tempDir } from './helpers.js';

const own = makeServerCertificate();
const server = createServer({ key: own.keyPem, cert: own.certPem }, (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ packs: [] }));
});
let baseUrl = '';
const caFile = join(tempDir('cordum-extra-ca-'), 'ca.pem');

beforeAll(async () => {
  writeFileSync(caFile, own.certPem);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.close();
});

const api = (extraCaFile?: string) =>
  new RegistryApi({
    baseUrl,
    timeoutMs: 2000,
    userAgent: 'test',
    ...(extraCaFile ? { extraCaFile } : {}),
  });

describe('extra CA certificates for https', () => {
  it('trusts a server that only the extra file vouches for', async () => {
    expect(await api(caFile).catalog()).toEqual({ packs: [] });
  });

  // It said "Registry Unreachable ... check the provider's URL setting and that the registry
  // is running", sending users who only lacked the CA to look at the URL.
  it('refuses the same server without the file, saying the certificate is not trusted',
    async () => {
    const err = await api().catalog().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'registry_untrusted' });
    const e = err as ProviderError;
    expect(e.message).toBe(`The registry at ${baseUrl} presented a certificate this machine ` +
      'does not trust (self-signed certificate).');
    expect(e.hint).toContain('NODE_EXTRA_CA_CERTS=<PEM file>');
    expect(e.hint).not.toContain('is running');
  });

  it("adds the file to Node's roots, and leaves the default alone without a readable file", () => {
    const roots = trustedRoots(caFile);
    expect(roots?.length).toBe(rootCertificates.length + 1);
    expect(roots?.at(-1)).toBe(own.certPem);
    expect(trustedRoots(undefined)).toBeUndefined();
    expect(trustedRoots(join(caFile, 'missing'))).toBeUndefined();
  });
});

describe('the installed launcher', () => {
  it('moves NODE_EXTRA_CA_CERTS aside before node starts, also through a symlink', () => {
    const dir = tempDir('cordum-launcher-');
    const r = spawnSync(process.execPath, [CLI, 'provider', 'install', '--dir', dir, '--json'], {
      encoding: 'utf8',
    });
    const launcher = (JSON.parse(r.stdout) as { path: string }).path;
    // Stand-in for the bundle: report what the process was started with.
    const report =
      'process.stdout.write(JSON.stringify({ node: process.env.NODE_EXTRA_CA_CERTS ?? null,' +
      ' cordum: process.env.CORDUM_EXTRA_CA_CERTS ?? null, args: process.argv.slice(2) }));\n';
    writeFileSync(join(launcher, '..', 'lib', 'provider.cjs'), report);
    const linked = join(dir, 'linked-provider');
    symlinkSync(launcher, linked);
    for (const path of [launcher, linked]) {
      const run = spawnSync(path, ['x'], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: caFile },
      });
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual({ node: null, cordum: caFile, args: ['x'] });
    }
    const plain = spawnSync(launcher, [], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(JSON.parse(plain.stdout)).toEqual({ node: null, cordum: null, args: [] });
  });
});

/**
 * Bytes changed after signing are caught at install, whether they changed
 * in transit (a proxy on loopback flips one byte) or in the registry's blob
 * store on disk; the project is left exactly as it was.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync }
  from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { cordum, publishSigned, SHARED_PACKS, startRegistry, stopAll, type RunningRegistry }
  from '../helpers/cli.js';

/** Forwards to the registry, flipping the last byte of every tarball it passes on. */
async function startFlippingProxy(target: () => string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const upstream = new URL(req.url ?? '/', target());
    const out = request(upstream, { method: req.method, headers: { ...req.headers,
      host: upstream.host } }, (up) => {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        const body = Buffer.concat(chunks);
        if (req.url?.endsWith('/tarball') && body.length > 0) body[body.length - 1] ^= 0xff;
        const headers = { ...up.headers, 'content-length': String(body.length) };
        res.writeHead(up.statusCode ?? 502, headers);
        res.end(body);
      });
    });
    req.pipe(out);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function blobFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Publishes two real packs, signed, to a registry. */
function publishTwo(reg: RunningRegistry): Promise<string> {
  return publishSigned(reg, ['hello-pack', 'slack'].map((n) => join(SHARED_PACKS, n)));
}

describe.each(backends())('tampered tarballs ($name)', (backend) => {
  let reg: RunningRegistry;
  let proxied: RunningRegistry;
  let proxy: Awaited<ReturnType<typeof startFlippingProxy>>;

  beforeAll(async () => {
    let upstream = '';
    proxy = await startFlippingProxy(() => upstream);
    // This registry hands out the proxy's URLs, so every download crosses it.
    proxied = await startRegistry(backend, ['--public-url', proxy.url]);
    upstream = proxied.url;
    await publishTwo(proxied);
    reg = await startRegistry(backend);
    await publishTwo(reg);
  });
  afterAll(async () => {
    proxy?.server.close();
    await stopAll();
  });

  it('refuses a tarball changed in transit and writes nothing', async () => {
    const project = mkdtempSync(join(tmpdir(), 'cordum-site-'));
    const r = await cordum(['pack', 'install', 'hello-pack@*', '--json', '--registry',
      proxy.url, '--token', proxied.token], { cwd: project });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe('digest_mismatch');
    expect(readdirSync(project)).toEqual([]);
  });

  it('refuses a tarball changed in the blob store and writes nothing', async () => {
    const blobs = blobFiles(join(reg.dataDir, 'blobs'));
    const sizes = blobs.map((b) => statSync(b).size);
    expect(blobs.length).toBe(2);
    // Corrupt every stored blob; the download must not hand any of them out.
    for (const b of blobs) {
      const bytes = readFileSync(b);
      bytes[10] ^= 0x01;
      writeFileSync(b, bytes);
    }
    expect(blobs.map((b) => statSync(b).size)).toEqual(sizes);
    const project = mkdtempSync(join(tmpdir(), 'cordum-site-'));
    const r = await cordum(['pack', 'install', 'slack@*', '--json', '--registry', reg.url,
      '--token', reg.token], { cwd: project });
    expect(r.code).toBe(1);
    expect(['blob_corrupt', 'digest_mismatch']).toContain(JSON.parse(r.stdout).error.code);
    expect(readdirSync(project)).toEqual([]);
  });
});

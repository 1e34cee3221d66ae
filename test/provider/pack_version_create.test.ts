/**
 * `cordum_pack_version` create, called directly: it publishes only the
 * bytes its plan showed. Terraform itself stops an apply whose re-plan
 * differs, so this is the provider's own guard behind it; it refuses
 * before any request (the client here has no registry to reach).
 */
import { describe, expect, it } from 'vitest';
import type { CordumClient } from '../../provider/config.js';
import { packVersion } from '../../provider/resources/pack_version.js';
import { newKey, signedPack, tempDir } from './helpers.js';

describe('cordum_pack_version create', () => {
  it('refuses a tarball rebuilt since the plan, on tarball, publishing nothing', async () => {
    const dir = tempDir('cordum-pv-create-');
    const pack = await signedPack('hello-pack', '4.0.0', newKey(), dir);
    const client = { cwd: dir, registry: {} } as unknown as CordumClient;
    const planned = { tarball: pack.tarball, bundle: pack.bundle, sha256: 'ab'.repeat(32) };
    await expect(packVersion.create(planned, {}, client)).rejects.toMatchObject({
      code: 'pack_invalid',
      path: ['tarball'],
      message: `"${pack.tarball}" changed since the plan (sha256 ${'ab'.repeat(32)}, now ` +
        `${pack.sha256}).`,
    });
  });
});

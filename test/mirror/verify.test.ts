/** The checks a mirrored or bundled version passes before it is copied anywhere. */
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../packs/digest.js';
import { verifyDownloaded } from '../../packs/offline/verify.js';
import { generateKeyPair } from '../../packs/signing/keys.js';
import { signedPack } from '../npm/fixtures.js';

describe('verifyDownloaded', () => {
  const key = generateKeyPair();
  const other = generateKeyPair();

  it('passes a version that is what it claims, and refuses every kind of lie', async () => {
    const pack = await signedPack('hello-pack', key);
    const claim = { id: 'hello-pack', version: '0.1.0', sha256: sha256Hex(pack.tgz),
      key_id: key.keyId };
    await expect(verifyDownloaded(claim, pack.tgz, pack.bundle, key.publicPem))
      .resolves.toBeUndefined();

    const cases: [string, Parameters<typeof verifyDownloaded>, string][] = [
      ['other bytes', [claim, Buffer.concat([pack.tgz, Buffer.from([0])]), pack.bundle,
        key.publicPem], 'digest_mismatch'],
      ['a key that is not the named one', [claim, pack.tgz, pack.bundle, other.publicPem],
        'signature_invalid'],
      ['signed by another key', [{ ...claim, key_id: other.keyId }, pack.tgz, pack.bundle,
        other.publicPem], 'signature_unknown_key'],
      ['another version', [{ ...claim, version: '0.2.0' }, pack.tgz, pack.bundle,
        key.publicPem], 'lock_mismatch'],
    ];
    for (const [why, args, code] of cases) {
      await expect(verifyDownloaded(...args), why).rejects.toMatchObject({ code });
    }
  });
});

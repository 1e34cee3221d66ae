/**
 * An offline bundle file past the largest one that can be parsed is refused
 * by its size, unread, as `offline_bundle_invalid` naming the file: between
 * V8's longest string and the old 1 GiB limit it failed with V8's own
 * ERR_STRING_TOO_LONG.
 */
import { constants } from 'node:buffer';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_OFFLINE_BYTES } from '../../packs/offline/format.js';
import { installOffline } from '../../packs/offline/install.js';

const work = mkdtempSync(join(tmpdir(), 'cordum-offline-size-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('bundle install of a file too large to parse', () => {
  it('is refused by its size, naming the file and the limit', async () => {
    const file = join(work, 'huge.json');
    writeFileSync(file, '');
    // Sparse: no disk is spent, and nothing is read. One byte past the longest string.
    const size = constants.MAX_STRING_LENGTH + 1;
    truncateSync(file, size);
    await expect(installOffline({ file, project: join(work, 'project'), specs: [], keys: [] }))
      .rejects.toMatchObject({ code: 'offline_bundle_invalid',
        message: `${file}: ${size} bytes; the limit is ${MAX_OFFLINE_BYTES}` });
  });

  it('keeps its limit within what one string holds', () => {
    expect(MAX_OFFLINE_BYTES).toBeLessThanOrEqual(constants.MAX_STRING_LENGTH);
  });
});

/** `cordum registry audit export`: the audit log over the API, to stdout or a file. */
import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { assertPathFlag, registryFrom, runCommand, type RegistryFlags }
  from '../../cli/output.js';
import { RegistryClient } from '../../packs/client/registry.js';
import { PackError } from '../../packs/errors.js';
import { requestTime } from '../time.js';
import { AUDIT_FORMATS } from './formats.js';
import { makeFolders } from '../../packs/folders.js';
import { assertNotFolder } from '../../cli/out_file.js';

function sinceOf(text: string): void {
  try {
    requestTime(text, 'since');
  } catch (err) {
    throw new PackError('usage', `--since ${text}: expected an RFC 3339 time such as ` +
      '2027-01-31T00:00:00Z', { cause: err });
  }
}

export async function auditExportCommand(
  flags: RegistryFlags & { format: string; since?: string; out?: string },
): Promise<void> {
  let text = '';
  await runCommand({ quiet: true }, async () => {
    if (!(AUDIT_FORMATS as readonly string[]).includes(flags.format)) {
      throw new PackError('usage',
        `--format ${flags.format}: expected ${AUDIT_FORMATS.join(', ')}`);
    }
    // Checked here as the registry checks it, so a bad value is a usage error naming the flag.
    if (flags.since !== undefined) sinceOf(flags.since);
    assertPathFlag(flags.out, '--out');
    assertNotFolder('--out', flags.out, `audit.${flags.format}`);
    const connection = registryFrom(flags);
    const query = new URLSearchParams({ format: flags.format });
    if (flags.since) query.set('since', flags.since);
    const bytes = await new RegistryClient(connection)
      .fetchBytes(`${connection.url}/v1/audit?${query.toString()}`);
    text = bytes.toString('utf8');
    if (flags.out) {
      // The output's folder is made, as `pack build --out` makes its own.
      makeFolders(dirname(flags.out));
      writeFileSync(flags.out, bytes);
    }
    // CSV has a header line; the other formats are one line an entry.
    const lines = text.split('\n').filter((l) => l !== '').length;
    const entries = flags.format === 'csv' ? Math.max(0, lines - 1) : lines;
    return { out: flags.out, entries, bytes: bytes.length };
  }, (r) => (r.out ? [`wrote ${r.out} (${r.entries} entries, ${r.bytes} bytes)`]
    : [text.replace(/\n$/, '')]));
}

/** `cordum keygen --out DIR`: a P-256 key pair for signing packs. */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { runCommand } from '../../cli/output.js';
import { PackError } from '../errors.js';
import { generateKeyPair } from '../signing/keys.js';
import { makeFolders } from '../folders.js';

export function registerKeygenCommand(program: Command): void {
  program
    .command('keygen')
    .description('Make an ECDSA P-256 key pair: DIR/cordum.key (private) and DIR/cordum.pub')
    .requiredOption('--out <dir>', 'folder to write the key pair into')
    .option('--force', 'overwrite an existing key pair')
    .option('--json', 'print the result as JSON')
    .action((opts: { out: string; force?: boolean; json?: boolean }) =>
      runCommand(
        opts,
        async () => {
          const dir = resolve(opts.out);
          const keyPath = join(dir, 'cordum.key');
          const pubPath = join(dir, 'cordum.pub');
          // Name the file that is there: a lone cordum.pub is refused as well.
          const present = [keyPath, pubPath].filter((p) => existsSync(p));
          if (!opts.force && present.length > 0) {
            throw new PackError('key_exists', `${present.join(' and ')} already ${
              present.length === 1 ? 'exists' : 'exist'}; pass --force to replace the key pair`);
          }
          const pair = generateKeyPair();
          makeFolders(dir);
          writeFileSync(keyPath, pair.privatePem, { mode: 0o600 });
          // `mode` applies only to new files; a replaced key must not stay readable.
          chmodSync(keyPath, 0o600);
          writeFileSync(pubPath, pair.publicPem, { mode: 0o644 });
          return { private_key: keyPath, public_key: pubPath, key_id: pair.keyId };
        },
        (r) => [`wrote ${r.private_key} and ${r.public_key}`, `key id ${r.key_id}`],
      ),
    );
}

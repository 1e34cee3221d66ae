/** `cordum registry mirror --from URL`: copy new pack versions between registries. */
import type { Command } from 'commander';
import { registryFrom, runCommand, type RegistryFlags } from '../../cli/output.js';
import { PackError } from '../errors.js';
import { isHttpUrl } from '../http_url.js';
import { isPackId, PACK_ID_RULE } from '../pack_id.js';

interface MirrorFlags extends RegistryFlags {
  from: string;
  fromToken?: string;
  pack?: string[];
  json?: boolean;
}

/** `--from`, checked as `--registry` is, so its refusal names the flag and no request is made. */
function sourceUrl(text: string): string {
  if (isHttpUrl(text)) return text.replace(/\/+$/, '');
  throw new PackError('usage', `--from "${text}" is not an http(s) URL: give the registry to ` +
    'copy from, such as http://127.0.0.1:8080');
}

export function registerMirrorCommand(registry: Command): void {
  registry
    .command('mirror')
    .description('Copy every pack version the destination lacks from another registry, ' +
      'verifying each, with its signature and key; a second run copies only what is new')
    .requiredOption('--from <url>', 'the registry to copy from')
    .option('--from-token <token>', 'token for --from (env CORDUM_MIRROR_FROM_TOKEN)')
    .option('--registry <url>', 'the registry to copy to (env CORDUM_REGISTRY)')
    .option('--token <token>', 'an admin token for the destination (env CORDUM_TOKEN)')
    .option('--pack <id>', 'copy only this pack, repeatable',
      (v: string, all: string[] = []) => [...all, v])
    .option('--json', 'print the result as JSON')
    .action((opts: MirrorFlags) =>
      runCommand(opts, async (reporter) => {
        const { RegistryClient } = await import('../client/registry.js');
        const { mirrorRegistry } = await import('../mirror/mirror.js');
        // A --pack that cannot be an id would match nothing at the source: refused first.
        const notId = opts.pack?.find((id) => !isPackId(id));
        if (notId !== undefined) {
          throw new PackError('usage', `--pack ${notId}: a pack id is ${PACK_ID_RULE}`);
        }
        const fromToken = opts.fromToken ?? process.env.CORDUM_MIRROR_FROM_TOKEN;
        const tokenFrom = '--from-token or CORDUM_MIRROR_FROM_TOKEN';
        const from = new RegistryClient({ url: sourceUrl(opts.from), tokenFrom,
          ...(fromToken ? { token: fromToken } : {}) });
        const to = new RegistryClient(registryFrom(opts));
        return mirrorRegistry({ from, to, ...(opts.pack ? { packs: opts.pack } : {}),
          progress: (l) => reporter.progress(l) });
      }, (r) => [
        ...r.keys_added.map((k) => `registered key ${k.key_id.slice(0, 12)}… for ${k.publisher}`),
        ...r.copied.map((c) => `copied ${c.id}@${c.version} sha256 ${c.sha256.slice(0, 12)}…`),
        ...r.key_evidence_stored.map((e) => `stored the source log's proof of key ` +
          `${e.key_id.slice(0, 12)}… (entry ${e.source_log})`),
        ...r.evidence_stored.map((e) => `stored the source log's proof of ${e.id}@${e.version} ` +
          `(entry ${e.source_log})`),
        ...r.skipped_private.map((id) => `skipped ${id}: private at the source`),
        `${r.copied.length} copied, ${r.present} already present (${r.from} → ${r.to})`,
      ]),
    );
}

/** `cordum pack publish --to npm:URL TGZ`: the command body behind the flag. */
import { parseJson } from '../documents.js';
import { readOrFail } from '../commands/files.js';
import { npmUrlOf } from './from.js';
import { publishToNpm, type NpmPublished } from './publish.js';
import { loadPublicKey } from '../signing/keys.js';

export async function publishTo(tgz: string, flags: { to?: string; token?: string;
  bundle?: string; key?: string }, progress: (line: string) => void): Promise<NpmPublished> {
  const url = npmUrlOf(flags.to ?? '', '--to');
  const tarball = readOrFail(tgz, 'tarball');
  const bundlePath = flags.bundle ?? `${tgz}.sigstore.json`;
  const bundle = parseJson(readOrFail(bundlePath, 'signature bundle').toString('utf8'),
    bundlePath);
  const token = flags.token ?? process.env.CORDUM_NPM_TOKEN;
  const publicKeyPem = flags.key === undefined ? undefined
    : readOrFail(flags.key, 'public key').toString('utf8');
  // Checked here, where the file's name is known, so an error names it.
  if (publicKeyPem !== undefined) loadPublicKey(publicKeyPem, `public key ${flags.key}`);
  progress(`publishing ${tgz} as an npm package to ${url}`);
  return publishToNpm({ url, tgz: tarball, bundle, ...(token ? { token } : {}),
    ...(publicKeyPem === undefined ? {} : { publicKeyPem }) });
}

/**
 * Terraform's provider registry protocol for the Cordum provider: service
 * discovery at `/.well-known/terraform.json`, versions and per-platform
 * downloads under `/terraform/providers/v1/cordum/cordum/`, and the zips,
 * `SHA256SUMS` and its GPG signature under `/terraform/files/`. All public:
 * the provider is not a secret, and Terraform then needs no credentials.
 */
import type { RegistryDeps } from '../deps.js';
import { RegistryError } from '../errors.js';
import type { RegistryContext } from '../state.js';
import { gpgSigner } from '../tfregistry/gpg.js';
import { providerPackage, shasums, TF_PLATFORMS, zipName } from '../tfregistry/package.js';
import {
  checkProvider, checkVersion, discovery, downloadAnswer, versionsAnswer, TF_FILES_PATH,
  TF_PROVIDERS_PATH,
} from '../tfregistry/protocol.js';
import type { RouteGroup } from './index.js';
import { param } from './params.js';

const P = `${TF_PROVIDERS_PATH}:namespace/:type`;

async function file(deps: RegistryDeps, ctx: RegistryContext): Promise<void> {
  checkProvider(param(ctx, 'namespace'), param(ctx, 'type'));
  const pkg = providerPackage();
  checkVersion(pkg, param(ctx, 'version'));
  const name = param(ctx, 'file');
  ctx.set('Cache-Control', 'public, max-age=300');
  if (name === 'SHA256SUMS') {
    ctx.type = 'text/plain';
    ctx.body = shasums(pkg);
  } else if (name === 'SHA256SUMS.sig') {
    const signer = await gpgSigner(deps.dataDir);
    ctx.type = 'application/pgp-signature';
    ctx.body = Buffer.from(await signer.sign(new TextEncoder().encode(shasums(pkg))));
  } else if (TF_PLATFORMS.some((p) => zipName(pkg.version, p.os, p.arch) === name)) {
    ctx.set('ETag', `"sha256:${pkg.sha256}"`);
    ctx.type = 'application/zip';
    ctx.body = Buffer.from(pkg.zip);
  } else {
    throw new RegistryError('not_found', `no file ${name}`);
  }
}

export const tfRegistryRoutes: RouteGroup = (router, deps) => {
  router.get('/.well-known/terraform.json', (ctx) => {
    ctx.body = discovery();
  });

  router.get(`${P}/versions`, (ctx) => {
    checkProvider(param(ctx, 'namespace'), param(ctx, 'type'));
    ctx.body = versionsAnswer(providerPackage());
  });

  router.get(`${P}/:version/download/:os/:arch`, async (ctx) => {
    checkProvider(param(ctx, 'namespace'), param(ctx, 'type'));
    const pkg = providerPackage();
    checkVersion(pkg, param(ctx, 'version'));
    const signer = await gpgSigner(deps.dataDir);
    ctx.body = downloadAnswer(deps.baseUrl, pkg, signer, param(ctx, 'os'), param(ctx, 'arch'));
  });

  router.get(`${TF_FILES_PATH}/:namespace/:type/:version/:file`, async (ctx) => {
    await file(deps, ctx);
  });
};

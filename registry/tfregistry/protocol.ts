/**
 * The answers of Terraform's provider registry protocol (providers.v1) for
 * `cordum/cordum`: service discovery, the version list and one platform's
 * download. URLs are absolute, under the registry's base URL.
 */
import { RegistryError } from '../errors.js';
import type { GpgSigner } from './gpg.js';
import { TF_NAMESPACE, TF_PLATFORMS, TF_TYPE, zipName, type ProviderPackage } from './package.js';

export const TF_PROVIDERS_PATH = '/terraform/providers/v1/';
export const TF_FILES_PATH = '/terraform/files';
/** tfplugin6: the provider speaks plugin protocol 6. */
export const TF_PROTOCOLS = ['6.0'];

export function discovery(): Record<string, string> {
  return { 'providers.v1': TF_PROVIDERS_PATH };
}

/** Refuses any provider but ours with 404, as Terraform expects. */
export function checkProvider(namespace: string, type: string): void {
  if (namespace !== TF_NAMESPACE || type !== TF_TYPE) {
    throw new RegistryError('not_found', `no provider ${namespace}/${type} here`);
  }
}

export function checkVersion(pkg: ProviderPackage, version: string): void {
  if (version !== pkg.version) {
    throw new RegistryError('not_found', `no version ${version} of ${TF_NAMESPACE}/${TF_TYPE}`);
  }
}

export function versionsAnswer(pkg: ProviderPackage) {
  return { versions: [{ version: pkg.version, protocols: TF_PROTOCOLS,
    platforms: TF_PLATFORMS.map((p) => ({ os: p.os, arch: p.arch })) }] };
}

export function filesBase(baseUrl: string, version: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${TF_FILES_PATH}/${TF_NAMESPACE}/${TF_TYPE}/${version}`;
}

export function downloadAnswer(baseUrl: string, pkg: ProviderPackage, signer: GpgSigner,
  os: string, arch: string) {
  if (!TF_PLATFORMS.some((p) => p.os === os && p.arch === arch)) {
    throw new RegistryError('not_found',
      `no build of ${TF_NAMESPACE}/${TF_TYPE} for ${os}_${arch}`);
  }
  const base = filesBase(baseUrl, pkg.version);
  const filename = zipName(pkg.version, os, arch);
  return {
    protocols: TF_PROTOCOLS, os, arch, filename,
    download_url: `${base}/${filename}`,
    shasums_url: `${base}/SHA256SUMS`,
    shasums_signature_url: `${base}/SHA256SUMS.sig`,
    shasum: pkg.sha256,
    signing_keys: { gpg_public_keys: [{ key_id: signer.keyId, ascii_armor: signer.publicArmor,
      trust_signature: '', source: 'Cordum registry', source_url: null }] },
  };
}

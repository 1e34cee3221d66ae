/**
 * Terraform's provider registry protocol for the Cordum provider
 * (registry/tfregistry): service discovery, versions, downloads and files.
 */
import { json, list, nullable, obj, op, str, type OpenApiPart } from '../build.js';

const platform = obj({ os: str, arch: str });
const gpgKey = obj({ key_id: str, ascii_armor: str }, { trust_signature: str, source: str,
  source_url: nullable(str) });

const download = obj({
  protocols: list(str), os: str, arch: str, filename: str, download_url: str, shasums_url: str,
  shasums_signature_url: str, shasum: str,
  signing_keys: obj({ gpg_public_keys: list(gpgKey) }),
});

export const tfRegistryPart: OpenApiPart = {
  paths: {
    '/.well-known/terraform.json': { get: op({ id: 'terraformDiscovery',
      summary: 'Terraform service discovery', tag: 'terraform', auth: 'none',
      ok: { 200: json(obj({ 'providers.v1': str })) } }) },
    '/terraform/providers/v1/{namespace}/{type}/versions': { get: op({
      id: 'terraformProviderVersions', summary: 'Versions of a provider', tag: 'terraform',
      auth: 'none', params: ['namespace', 'type'], codes: ['not_found'],
      ok: { 200: json(obj({ versions: list(obj({ version: str, protocols: list(str),
        platforms: list(platform) })) })) } }) },
    '/terraform/providers/v1/{namespace}/{type}/{version}/download/{os}/{arch}': { get: op({
      id: 'terraformProviderDownload', summary: 'One platform\'s package', tag: 'terraform',
      auth: 'none', params: ['namespace', 'type', 'version', 'os', 'arch'], codes: ['not_found'],
      ok: { 200: json(download) } }) },
    '/terraform/files/{namespace}/{type}/{version}/{file}': { get: op({
      id: 'terraformProviderFile', summary: 'A provider zip, SHA256SUMS or its signature',
      tag: 'terraform', auth: 'none', params: ['namespace', 'type', 'version', 'file'],
      codes: ['not_found'],
      ok: { 200: { 'application/zip': str, 'text/plain': str,
        'application/pgp-signature': str } } }) },
  },
};

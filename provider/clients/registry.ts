/**
 * The provider's client for the Cordum registry HTTP API (`/v1`). Reads that
 * find nothing answer `null`, so resources can tell "gone" (drift) from a
 * failure.
 */
import { HttpClient, type HttpOptions } from './http.js';
import type {
  Catalog,
  DecisionInfo,
  DeploymentInfo,
  DeploymentPackInput,
  KeyInfo,
  PackInfo,
  PolicyBundleInfo,
  Published,
  Resolved,
  TokenInfo,
  YankStatus,
} from './registry_types.js';

const seg = encodeURIComponent;

export class RegistryApi {
  private readonly http: HttpClient;

  constructor(options: Omit<HttpOptions, 'service'>) {
    this.http = new HttpClient({ ...options, service: 'registry', healthPath: '/v1/health' });
  }

  /** Cuts the requests in flight and refuses new ones (Terraform's StopProvider). */
  stop(): void {
    this.http.stop();
  }

  get baseUrl(): string {
    return this.http.options.baseUrl;
  }

  async catalog(): Promise<Catalog> {
    return (await this.http.request<Catalog>('GET', '/v1/catalog.json')) as Catalog;
  }

  pack(id: string): Promise<PackInfo | null> {
    return this.http.request<PackInfo>('GET', `/v1/packs/${seg(id)}`, { nullOn: [404] });
  }

  /** The newest version in `range`; throws with the registry's code when none. */
  async resolve(id: string, range: string): Promise<Resolved> {
    const path = `/v1/packs/${seg(id)}/resolve`;
    return (await this.http.request<Resolved>('GET', path, { query: { range } })) as Resolved;
  }

  async publish(tarball: Buffer, bundle: Buffer, fileName: string): Promise<Published> {
    const files = [
      { name: 'tarball', filename: fileName, contentType: 'application/gzip', data: tarball },
      {
        name: 'bundle',
        filename: `${fileName}.sigstore.json`,
        contentType: 'application/json',
        data: bundle,
      },
    ];
    return (await this.http.request<Published>('POST', '/v1/packs', { files })) as Published;
  }

  yankStatus(id: string, version: string): Promise<YankStatus | null> {
    const path = `/v1/packs/${seg(id)}/versions/${seg(version)}/yank`;
    return this.http.request<YankStatus>('GET', path, { nullOn: [404] });
  }

  async setYanked(id: string, version: string, yanked: boolean, reason?: string) {
    const path = `/v1/packs/${seg(id)}/versions/${seg(version)}/yank`;
    const json = reason === undefined ? { yanked } : { yanked, reason };
    return (await this.http.request<YankStatus>('PUT', path, { json })) as YankStatus;
  }

  key(keyId: string): Promise<KeyInfo | null> {
    return this.http.request<KeyInfo>('GET', `/v1/keys/${seg(keyId)}`, { nullOn: [404] });
  }

  async addKey(publicKey: string, publisher: string): Promise<KeyInfo> {
    const json = { public_key: publicKey, publisher };
    return (await this.http.request<KeyInfo>('POST', '/v1/keys', { json })) as KeyInfo;
  }

  keyRevocation(keyId: string): Promise<{ revoked: boolean } | null> {
    const path = `/v1/keys/${seg(keyId)}/revocation`;
    return this.http.request<{ revoked: boolean }>('GET', path, { nullOn: [404] });
  }

  async restoreKey(keyId: string): Promise<void> {
    await this.http.request('DELETE', `/v1/keys/${seg(keyId)}/revocation`);
  }

  async removeKey(keyId: string): Promise<void> {
    await this.http.request('DELETE', `/v1/keys/${seg(keyId)}`, { nullOn: [404] });
  }

  async createToken(input: {
    name: string;
    scopes: string[];
    expires_at: string | null;
    publisher?: string | null;
  }) {
    return (await this.http.request<TokenInfo>('POST', '/v1/tokens', { json: input })) as TokenInfo;
  }

  token(id: string): Promise<TokenInfo | null> {
    return this.http.request<TokenInfo>('GET', `/v1/tokens/${seg(id)}`, { nullOn: [404] });
  }

  async revokeToken(id: string): Promise<void> {
    await this.http.request('DELETE', `/v1/tokens/${seg(id)}`, { nullOn: [404] });
  }

  deployment(name: string): Promise<DeploymentInfo | null> {
    return this.http.request<DeploymentInfo>('GET', `/v1/deployments/${seg(name)}`, {
      nullOn: [404],
    });
  }

  /** Saves a deployment; `createOnly` refuses (a conflict) where one of that name exists. */
  async putDeployment(
    name: string,
    input: { tenant: string; description: string; packs: DeploymentPackInput[] },
    createOnly = false,
  ): Promise<DeploymentInfo> {
    const path = `/v1/deployments/${seg(name)}`;
    return (await this.http.request<DeploymentInfo>('PUT', path, {
      json: input,
      createOnly,
    })) as DeploymentInfo;
  }

  async deleteDeployment(name: string): Promise<void> {
    await this.http.request('DELETE', `/v1/deployments/${seg(name)}`, { nullOn: [404] });
  }

  /** The names of a deployment's policy bundles; none when the deployment is gone. */
  async policyBundleNames(deployment: string): Promise<string[]> {
    const path = `/v1/deployments/${seg(deployment)}/policy-bundles`;
    const found = await this.http.request<{ bundles: { name: string }[] }>('GET', path,
      { nullOn: [404] });
    return (found?.bundles ?? []).map((b) => b.name);
  }

  policyBundle(deployment: string, name: string): Promise<PolicyBundleInfo | null> {
    const path = `/v1/deployments/${seg(deployment)}/policy-bundles/${seg(name)}`;
    return this.http.request<PolicyBundleInfo>('GET', path, { nullOn: [404] });
  }

  /** Saves a policy bundle; `createOnly` refuses (a conflict) where it exists. */
  async putPolicyBundle(
    deployment: string,
    name: string,
    fragment: Record<string, unknown>,
    createOnly = false,
  ) {
    const path = `/v1/deployments/${seg(deployment)}/policy-bundles/${seg(name)}`;
    const json = { fragment };
    const saved = await this.http.request<PolicyBundleInfo>('PUT', path, { json, createOnly });
    return saved as PolicyBundleInfo;
  }

  async deletePolicyBundle(deployment: string, name: string): Promise<void> {
    const path = `/v1/deployments/${seg(deployment)}/policy-bundles/${seg(name)}`;
    await this.http.request('DELETE', path, { nullOn: [404] });
  }

  async decide(deployment: string, request: Record<string, unknown>): Promise<DecisionInfo> {
    const path = `/v1/deployments/${seg(deployment)}/decisions`;
    return (await this.http.request<DecisionInfo>('POST', path, { json: request })) as DecisionInfo;
  }
}

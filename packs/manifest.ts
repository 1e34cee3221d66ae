/** The parsed `pack.yaml`, as the format defines it (field names kept). */
export interface PackTopic {
  name: string;
  capability?: string;
  riskTags?: string[];
  requires?: string[];
}

export interface PackResource {
  id: string;
  path: string;
}

export interface ConfigOverlay {
  name: string;
  scope?: string;
  scope_id?: string;
  key?: string;
  strategy?: 'json_merge_patch';
  path: string;
}

export interface PolicyOverlay {
  name: string;
  strategy?: 'bundle_fragment';
  path: string;
}

export interface SimulationRequest {
  tenantId?: string;
  topic?: string;
  capability?: string;
  riskTags?: string[];
  requires?: string[];
  packId?: string;
  actorId?: string;
  actorType?: string;
  labels?: Record<string, string>;
  secretsPresent?: boolean;
}

export interface PolicySimulation {
  name: string;
  request: SimulationRequest;
  expectDecision: string;
}

export interface PackMetadata {
  id: string;
  version: string;
  title?: string;
  description?: string;
  image?: string;
  author?: string;
  authors?: string[];
  homepage?: string;
  license?: string;
  source?: string;
  sourceRepo?: string;
}

export interface PackManifest {
  apiVersion: 'cordum.io/v1alpha1';
  kind: 'Pack';
  metadata: PackMetadata;
  compatibility?: { protocolVersion?: number; minCoreVersion?: string; maxCoreVersion?: string };
  topics?: PackTopic[];
  resources?: { schemas?: PackResource[]; workflows?: PackResource[] };
  overlays?: { config?: ConfigOverlay[]; policy?: PolicyOverlay[] };
  tests?: { policySimulations?: PolicySimulation[] };
  requires_packs?: string[];
}

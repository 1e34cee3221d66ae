/**
 * The tfplugin6 messages as plain objects, the way services.ts hands them
 * over: snake_case names, absent fields left out, bytes as Buffers.
 */
export interface DynamicValue {
  msgpack?: Uint8Array;
  json?: Uint8Array;
}

export interface PathStep {
  attribute_name?: string;
  element_key_string?: string;
  element_key_int?: number;
}

export interface AttributePath {
  steps?: PathStep[];
}

export const SEVERITY_ERROR = 1;
export const SEVERITY_WARNING = 2;

export interface ProtoDiagnostic {
  severity: number;
  summary: string;
  detail?: string;
  attribute?: AttributePath;
}

export interface ProtoAttribute {
  name: string;
  type: Buffer;
  description?: string;
  description_kind?: number;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  deprecated?: boolean;
}

export interface ProtoBlock {
  version?: number;
  attributes: ProtoAttribute[];
  block_types: ProtoNestedBlock[];
  description?: string;
  description_kind?: number;
  deprecated?: boolean;
}

export const NESTING = { single: 1, list: 2, set: 3, map: 4, group: 5 } as const;

export interface ProtoNestedBlock {
  type_name: string;
  block: ProtoBlock;
  nesting: number;
  min_items?: number;
  max_items?: number;
}

export interface ProtoSchema {
  version: number;
  block: ProtoBlock;
}

export interface ServerCapabilities {
  plan_destroy?: boolean;
  get_provider_schema_optional?: boolean;
}

export interface Diagnosed {
  diagnostics?: ProtoDiagnostic[];
}

export interface TypedRequest {
  type_name?: string;
}

export interface ConfigRequest extends TypedRequest {
  config?: DynamicValue;
}

export interface UpgradeRequest extends TypedRequest {
  version?: number;
  raw_state?: { json?: Uint8Array; flatmap?: Record<string, string> };
}

export interface ReadRequest extends TypedRequest {
  current_state?: DynamicValue;
  private?: Uint8Array;
}

export interface PlanRequest extends TypedRequest {
  prior_state?: DynamicValue;
  proposed_new_state?: DynamicValue;
  config?: DynamicValue;
  prior_private?: Uint8Array;
}

export interface ApplyRequest extends TypedRequest {
  prior_state?: DynamicValue;
  planned_state?: DynamicValue;
  config?: DynamicValue;
  planned_private?: Uint8Array;
}

export interface ImportRequest extends TypedRequest {
  id?: string;
}

/** GetProviderSchema and GetMetadata: what the provider offers. */
import type { ProtoSchema, ServerCapabilities } from '../../plugin/messages.js';
import type { ServerContext } from '../context.js';
import { schemaToProto } from '../schema.js';

// Terraform may reuse a cached schema instead of asking every process.
const CAPABILITIES: ServerCapabilities = { get_provider_schema_optional: true };

export interface SchemaResponse {
  provider: ProtoSchema;
  resource_schemas: Record<string, ProtoSchema>;
  data_source_schemas: Record<string, ProtoSchema>;
  server_capabilities: ServerCapabilities;
}

export function getProviderSchema<C>(ctx: ServerContext<C>): SchemaResponse {
  const { definition } = ctx;
  const resource_schemas: Record<string, ProtoSchema> = {};
  for (const r of definition.resources) resource_schemas[r.name] = schemaToProto(r.schema, r.name);
  const data_source_schemas: Record<string, ProtoSchema> = {};
  for (const d of definition.dataSources) {
    data_source_schemas[d.name] = schemaToProto(d.schema, `data.${d.name}`);
  }
  return {
    provider: schemaToProto(definition.schema, 'provider'),
    resource_schemas,
    data_source_schemas,
    server_capabilities: CAPABILITIES,
  };
}

export function getMetadata<C>(ctx: ServerContext<C>) {
  return {
    server_capabilities: CAPABILITIES,
    resources: ctx.definition.resources.map((r) => ({ type_name: r.name })),
    data_sources: ctx.definition.dataSources.map((d) => ({ type_name: d.name })),
  };
}

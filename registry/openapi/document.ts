/**
 * The OpenAPI 3.1 document of the registry, merged from one part per
 * group of routes (registry/openapi/parts/). A part that adds routes adds
 * itself to `OPENAPI_PARTS`; the contract test fails for any route the
 * router has and the document lacks.
 */
import type { OpenApiPart, Operation } from './build.js';
import { PROBLEM_TYPE, ref } from './build.js';
import { corePart } from './parts/core.js';
import { providerPart } from './parts/provider.js';
import { sitePart } from './parts/site.js';
import { trustPart } from './parts/trust.js';
import { tenancyPart } from './parts/tenancy.js';
import { tfRegistryPart } from './parts/tfregistry.js';
import { metricsPart } from './parts/metrics.js';
import { upstreamPart } from './parts/upstream.js';

export const OPENAPI_PARTS: OpenApiPart[] = [corePart, providerPart, trustPart, sitePart,
  tenancyPart, tfRegistryPart, upstreamPart, metricsPart];

const NOT_MODIFIED = { description: 'Not modified (If-None-Match matched the ETag)' };

function withCommon(method: string, operation: Operation): Operation {
  const responses: Record<string, object> = { ...operation.responses,
    405: { description: 'Method not allowed',
      content: { [PROBLEM_TYPE]: { schema: ref('Problem') } },
      'x-problem-codes': ['method_not_allowed'] } };
  if (method === 'get') responses['304'] = NOT_MODIFIED;
  return { ...operation, responses };
}

/** The merged document (OpenAPI 3.1); the API reference (markdown.ts) is rendered from it. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  jsonSchemaDialect: string;
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, object> };
}

export function openapiDocument(parts: OpenApiPart[] = OPENAPI_PARTS): OpenApiDocument {
  const paths: Record<string, Record<string, Operation>> = {};
  const schemas: Record<string, unknown> = {};
  for (const part of parts) {
    Object.assign(schemas, part.schemas ?? {});
    for (const [path, item] of Object.entries(part.paths)) {
      const merged = { ...paths[path] };
      for (const [method, operation] of Object.entries(item)) {
        merged[method] = withCommon(method, operation);
      }
      paths[path] = merged;
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Cordum pack registry', version: '1',
      description: 'Every error is application/problem+json with a stable `code`.' },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}

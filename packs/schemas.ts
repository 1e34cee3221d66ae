/**
 * JSON Schema checking with ajv: the project's own format schemas (kept in
 * `schemas/`, bundled as data) and the JSON Schemas that packs ship.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import packSchema from '../schemas/pack.schema.json' with { type: 'json' };
import fragmentSchema from '../schemas/policy-fragment.schema.json' with { type: 'json' };
import workflowSchema from '../schemas/workflow.schema.json' with { type: 'json' };
import type { Issue } from './errors.js';

// ajv-formats is CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as (ajv: Ajv | Ajv2020) => void;

export type FormatName = 'pack' | 'policy-fragment' | 'workflow';

const FORMAT_SCHEMAS: Record<FormatName, object> = {
  pack: packSchema,
  'policy-fragment': fragmentSchema,
  workflow: workflowSchema,
};

let formats: Map<FormatName, ValidateFunction> | undefined;

function formatValidators(): Map<FormatName, ValidateFunction> {
  if (!formats) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    formats = new Map();
    for (const [name, schema] of Object.entries(FORMAT_SCHEMAS)) {
      formats.set(name as FormatName, ajv.compile(schema));
    }
  }
  return formats;
}

/** Checks a document against one of our format schemas; all issues at once. */
export function checkFormat(format: FormatName, value: unknown, file: string): Issue[] {
  const validate = formatValidators().get(format)!;
  if (validate(value)) return [];
  return toIssues(validate.errors ?? [], file);
}

/** Turns ajv's errors into issues that say what was expected where. */
export function toIssues(errors: ErrorObject[], file: string): Issue[] {
  const issues: Issue[] = [];
  for (const e of errors) {
    // `if`/`anyOf` wrappers repeat what their branches already said.
    if (e.keyword === 'if' || e.keyword === 'anyOf') continue;
    let path = e.instancePath;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') {
      const missing = String((e.params as { missingProperty?: string }).missingProperty);
      path = `${path}/${missing}`;
      message = 'is required but missing';
    } else if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues ?? [];
      message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (e.keyword === 'const') {
      message = `must be ${JSON.stringify((e.params as { allowedValue?: unknown }).allowedValue)}`;
    } else if (e.keyword === 'additionalProperties') {
      const extra = String((e.params as { additionalProperty?: string }).additionalProperty);
      path = `${path}/${extra}`;
      message = 'is not an allowed field here';
    }
    issues.push({ file, path, message, rule: `schema_${e.keyword}` });
  }
  return issues;
}

const packSchemaCompilers = new Map<string, Ajv | Ajv2020>();

/**
 * Compiles a JSON Schema that a pack ships, with the draft it declares
 * (2020-12 by default, draft-07 when its `$schema` says so).
 */
export function compilePackSchema(schema: object): ValidateFunction {
  const declared = String((schema as { $schema?: unknown }).$schema ?? '');
  const draft = /draft-0[4-7]/.test(declared) ? 'draft-07' : '2020-12';
  let ajv = packSchemaCompilers.get(draft);
  if (!ajv) {
    ajv = draft === 'draft-07' ? new Ajv({ allErrors: true, strict: false })
      : new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    packSchemaCompilers.set(draft, ajv);
  }
  // Compile without registering by `$id`, so two packs may reuse an id.
  const { $id: _id, ...anonymous } = schema as { $id?: unknown };
  const validate = ajv.compile(anonymous);
  // ajv caches every compiled schema; a long-running registry must not keep them all.
  ajv.removeSchema(anonymous);
  return validate;
}

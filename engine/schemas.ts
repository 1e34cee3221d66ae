/**
 * Checks step inputs and outputs against the JSON Schemas packs ship
 * (`input_schema_id`, `output_schema_id`), and run inputs against a
 * workflow's inline `input_schema`. Draft-07 and 2020-12 schemas both work:
 * each is compiled for the draft its `$schema` names, once.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { compilePackSchema, toIssues } from '../packs/schemas.js';
import { EngineError } from './errors.js';

export interface SchemaIssue {
  /** Where in the value: a JSON pointer (`/message`). */
  path: string;
  /** Which rule of the schema failed (`#/properties/message/type`). */
  schema_path: string;
  message: string;
}

export class SchemaBook {
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly schemas: ReadonlyMap<string, unknown>) {}

  /** Problems of `value` against schema `id`; none when `id` is undefined. */
  check(id: string | undefined, value: unknown): SchemaIssue[] {
    if (id === undefined) return [];
    let validate = this.compiled.get(id);
    if (!validate) {
      const schema = this.schemas.get(id);
      if (schema === undefined || schema === null || typeof schema !== 'object') {
        throw new EngineError('workflow_invalid', `no installed pack provides schema "${id}"`);
      }
      validate = compileSchema(schema, id);
      this.compiled.set(id, validate);
    }
    return validate(value) ? [] : schemaIssues(validate.errors ?? [], id);
  }
}

/** Checks a value against a schema given inline (a workflow's `input_schema`). */
export function checkInline(schema: object, value: unknown, label: string): SchemaIssue[] {
  const validate = compileSchema(schema, label);
  return validate(value) ? [] : schemaIssues(validate.errors ?? [], label);
}

/** `input does not match hello-pack/HelloInput: /message: must be string (and 1 more)` */
export function describeIssues(what: string, schemaId: string, issues: SchemaIssue[]): string {
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return (
    `${what} does not match schema ${schemaId}` +
    (first ? `: ${first.path}: ${first.message}${more}` : '')
  );
}

function compileSchema(schema: object, label: string): ValidateFunction {
  try {
    return compilePackSchema(schema);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new EngineError('workflow_invalid', `schema ${label} does not compile: ${message}`, {
      cause: err,
    });
  }
}

function schemaIssues(errors: ErrorObject[], label: string): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  for (const error of errors) {
    // toIssues words the message and folds a missing property into the path.
    const [issue] = toIssues([error], label);
    if (issue)
      issues.push({
        path: issue.path || '/',
        schema_path: error.schemaPath,
        message: issue.message,
      });
  }
  return issues;
}

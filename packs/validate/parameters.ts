/**
 * A workflow's `parameters` defaults and `retry` settings, checked by
 * `pack validate` (packs/load.ts) as the engine will use them.
 */
import { pointerToken } from '../documents.js';
import type { Issue } from '../errors.js';
import type { Workflow } from '../workflow/types.js';
import { compilePackSchema, toIssues } from '../schemas.js';
import { MAX_RETRIES } from '../workflow/limits.js';
import { parameterDefaults } from '../workflow/parameters.js';

/**
 * A default that breaks the workflow's own `input_schema` fails every run
 * started without that parameter: an error. Only what the defaults hold is
 * judged (a required field the caller gives is not theirs to have).
 */
export function parameterDefaultIssues(wf: Workflow, file: string): Issue[] {
  const schema = wf.input_schema;
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return [];
  const defaults = parameterDefaults(wf.parameters);
  const names = Object.keys(defaults);
  if (names.length === 0) return [];
  // Called once the schema is known to compile (packs/load.ts), as the engine compiles it.
  const validate = compilePackSchema(schema);
  if (validate(defaults)) return [];
  return toIssues(validate.errors ?? [], `${wf.id} input_schema`)
    .filter((i) => names.some((n) => i.path === `/${n}` || i.path.startsWith(`/${n}/`)))
    .map((i) => ({ file, path: '/parameters', rule: 'parameter_default',
      message: `the default of parameter "${i.path.split('/')[1]}" does not match ` +
        `input_schema: ${i.path}: ${i.message}` }));
}

/**
 * A `retry.max_retries` past the engine's cap is cut to it: said, since runs
 * try fewer times. A loop's `body` is a step too.
 */
export function retryWarnings(wf: Workflow, file: string): Issue[] {
  return Object.entries(wf.steps).flatMap(([key, step]) => {
    const body = step.body as { retry?: { max_retries?: unknown } } | null | undefined;
    return [[`/steps/${pointerToken(key)}`, step.retry?.max_retries],
      [`/steps/${pointerToken(key)}/body`, body?.retry?.max_retries]] as const;
  }).flatMap(([at, asked]) => {
    if (typeof asked !== 'number' || asked <= MAX_RETRIES) return [];
    return [{ file, path: `${at}/retry/max_retries`, rule: 'retry_capped',
      message: `${asked} retries asked; the engine retries a job at most ${MAX_RETRIES} times` }];
  });
}

/**
 * The deployment file (`cordum.deployment.yaml`): the tenant runs belong to
 * and which handler receives the jobs of which topics. It is parsed and
 * checked against `schemas/deployment.schema.json` at the edge; every
 * problem is reported with the file and the field path.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import deploymentSchema from '../schemas/deployment.schema.json' with { type: 'json' };
import type { Issue } from '../packs/errors.js';
import { parseYaml } from '../packs/documents.js';
import { checkGlob } from '../packs/policy/glob.js';
import { compilePackSchema, toIssues } from '../packs/schemas.js';
import { EngineError } from './errors.js';

export type BuiltinName = 'echo' | 'noop';

export interface HttpHandlerSpec {
  url: string;
  timeout_ms?: number;
  headers?: Record<string, string>;
}

export interface ExecHandlerSpec {
  command: string;
  args?: string[];
  /** Relative to the deployment file's folder, which is also the default. */
  cwd?: string;
  env?: Record<string, string>;
  timeout_ms?: number;
}

export interface HandlerSpec {
  topics: string[];
  builtin?: BuiltinName;
  http?: HttpHandlerSpec;
  exec?: ExecHandlerSpec;
}

export interface Deployment {
  name?: string;
  tenant?: string;
  handlers: HandlerSpec[];
  /** URL prefixes `http` steps may call. */
  httpAllowlist: string[];
  /** The file it was read from (or a label), for messages. */
  file: string;
  /** The folder relative paths in it are resolved against. */
  dir: string;
}

interface RawDeployment {
  metadata?: { name?: string };
  spec: { tenant?: string; handlers?: HandlerSpec[]; http_allowlist?: string[] };
}

let validator: ValidateFunction | undefined;

/** Parses and checks a deployment document; `file` names it in errors. */
export function parseDeployment(text: string, file: string): Deployment {
  const doc = parseYaml(text, file);
  validator ??= compilePackSchema(deploymentSchema);
  if (!validator(doc)) throw invalid(file, toIssues(handlerErrors(validator.errors ?? []), file));

  const raw = doc as RawDeployment;
  const handlers = raw.spec.handlers ?? [];
  const issues: Issue[] = [];
  handlers.forEach((handler, i) => {
    handler.topics.forEach((topic, j) => {
      try {
        checkGlob(topic);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        issues.push({ file, path: `/spec/handlers/${i}/topics/${j}`, message, rule: 'glob' });
      }
    });
    // Credentials in the URL would be shown wherever the handler is named (every run's job
    // and timeline); they belong in `headers`, which are never shown.
    const url = handler.http?.url;
    if (url !== undefined && /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url)) {
      issues.push({ file, path: `/spec/handlers/${i}/http/url`, rule: 'credentials',
        message: 'holds a user name or password: give them in headers (Authorization) instead' });
    }
  });
  if (issues.length > 0) throw invalid(file, issues);

  const deployment: Deployment = {
    handlers,
    httpAllowlist: raw.spec.http_allowlist ?? [],
    file,
    dir: dirname(resolve(file)),
  };
  if (raw.metadata?.name !== undefined) deployment.name = raw.metadata.name;
  if (raw.spec.tenant !== undefined) deployment.tenant = raw.spec.tenant;
  return deployment;
}

/** Reads a deployment file; a missing file is `deployment_missing`. */
export async function readDeployment(path: string): Promise<Deployment> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new EngineError('deployment_missing', `cannot read deployment file ${path}`, {
      cause: err,
      details: { file: path },
    });
  }
  return parseDeployment(text, path);
}

/** A deployment with no handlers, for a project that has no deployment file. */
export function emptyDeployment(file: string): Deployment {
  return { handlers: [], httpAllowlist: [], file, dir: dirname(resolve(file)) };
}

/**
 * `oneOf` over the handler kinds reports each branch's missing field; one
 * message that says what is expected reads better.
 */
function handlerErrors(errors: ErrorObject[]): ErrorObject[] {
  const out: ErrorObject[] = [];
  for (const e of errors) {
    if (e.schemaPath.startsWith('#/$defs/handler/oneOf/')) continue;
    if (e.keyword === 'oneOf') {
      out.push({ ...e, message: 'needs exactly one of builtin, http or exec' });
    } else {
      out.push(e);
    }
  }
  return out;
}

function invalid(file: string, issues: Issue[]): EngineError {
  const first = issues[0];
  const where = first ? `: ${first.path || '/'}: ${first.message}` : '';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new EngineError('deployment_invalid', `${file}${where}${more}`, { issues });
}

/**
 * The format's JSON Schemas at stable URLs: `GET /schemas/<name>.json`
 * (e.g. `/schemas/pack.schema.json`), and `GET /schemas` listing them. No
 * token is needed: editors (VS Code's YAML extension, through the
 * `# yaml-language-server: $schema=...` line) fetch them anonymously, and
 * they hold nothing secret.
 */
import deploymentSchema from '../../schemas/deployment.schema.json' with { type: 'json' };
import packSchema from '../../schemas/pack.schema.json' with { type: 'json' };
import fragmentSchema from '../../schemas/policy-fragment.schema.json' with { type: 'json' };
import workflowSchema from '../../schemas/workflow.schema.json' with { type: 'json' };
import { RegistryError } from '../errors.js';
import type { RouteGroup } from './index.js';
import { param } from './params.js';

/** The schemas served, by file name (as in the project's `schemas/` folder). */
export const SERVED_SCHEMAS: Record<string, object> = {
  'pack.schema.json': packSchema,
  'policy-fragment.schema.json': fragmentSchema,
  'workflow.schema.json': workflowSchema,
  'deployment.schema.json': deploymentSchema,
};

export const schemaRoutes: RouteGroup = (router, deps) => {
  const base = deps.baseUrl.replace(/\/+$/, '');

  router.get('/schemas', (ctx) => {
    ctx.body = {
      schemas: Object.entries(SERVED_SCHEMAS).map(([name, schema]) => ({
        name,
        url: `${base}/schemas/${name}`,
        $id: (schema as { $id?: string }).$id,
        title: (schema as { title?: string }).title,
      })),
    };
  });

  router.get('/schemas/:name', (ctx) => {
    const name = param(ctx, 'name');
    const schema = Object.hasOwn(SERVED_SCHEMAS, name) ? SERVED_SCHEMAS[name] : undefined;
    if (!schema) {
      throw new RegistryError('not_found', `no schema ${name}; see ${base}/schemas for the list`);
    }
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.type = 'application/schema+json';
    ctx.body = schema;
  });
};

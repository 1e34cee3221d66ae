/**
 * The route reference of docs/registry-api.md, rendered from the OpenAPI
 * document: an overview table, then per route its auth, parameters,
 * request body and answers (status, body, problem codes), then the shared
 * schemas. `renderApiDoc` replaces only the text between the two markers,
 * so the hand-written prose around them stays. `npm run docs:api` writes
 * it (scripts/api-doc.mjs); test/docs/registry-api-doc.test.ts checks it.
 */
import type { Operation } from './build.js';
import { openapiDocument, type OpenApiDocument } from './document.js';
import { shapeOf } from './markdown-shape.js';

export const GENERATED_BEGIN = '<!-- generated from /v1/openapi.json: npm run docs:api -->';
export const GENERATED_END = '<!-- end of generated section -->';

type Schema = Record<string, unknown>;

interface Answer {
  description: string;
  content?: Record<string, { schema: Schema }>;
  'x-problem-codes'?: string[];
}

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: Schema;
}

interface Route {
  method: string;
  path: string;
  op: Operation;
  answers: [string, Answer][];
}

const TAG_TITLES: Record<string, string> = {
  packs: 'Packs', keys: 'Keys', tokens: 'Tokens', deployments: 'Deployments and policy',
  log: 'Transparency log', audit: 'Audit log', operations: 'Operations',
  marketplace: 'Marketplace', npm: 'npm protocol', schemas: 'Format schemas',
  tenancy: 'Tenancy', terraform: 'Terraform provider registry',
};

const PROBLEM = 'application/problem+json';
const cell = (text: string): string => text.replaceAll('|', '\\|');
const codeList = (codes: string[] = []): string => codes.map((c) => `\`${c}\``).join(', ');

function routesOf(doc: OpenApiDocument): Route[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op,
      answers: Object.entries(op.responses as Record<string, Answer>) })));
}

const answerKey = (a: Answer): string =>
  JSON.stringify([a.description, a['x-problem-codes'] ?? []]);

/** Statuses every one of `routes` answers alike (description and codes). */
function sharedStatuses(routes: Route[]): Map<string, Answer> {
  const shared = new Map(routes[0]?.answers ?? []);
  for (const route of routes.slice(1)) {
    const own = new Map(route.answers);
    for (const [status, answer] of shared) {
      const mine = own.get(status);
      if (!mine || answerKey(mine) !== answerKey(answer)) shared.delete(status);
    }
  }
  return shared;
}

/** Who may call: from the operation's security requirement and its 403 answer. */
function authOf(route: Route): { short: string; long: string } {
  const security = route.op.security;
  if (security && security.length === 0) return { short: 'none', long: 'none' };
  const scope = security?.[0]?.bearer?.[0];
  if (scope === 'read') {
    return { short: 'token', long: 'a token of any scope, even with `--anonymous-read`' };
  }
  if (scope === 'admin') return { short: '`admin`', long: 'a token with the `admin` scope' };
  if (scope) {
    return { short: `\`${scope}\``, long: `a token with the \`${scope}\` scope (or \`admin\`)` };
  }
  if (route.op.responses['403']) {
    return { short: 'token', long: 'a token; the route checks its scope or role' };
  }
  return { short: 'read', long: 'a token of any scope, or none with `--anonymous-read`' };
}

function bodyOf(answer: Answer): string {
  const types = Object.entries(answer.content ?? {});
  if (types.length === 0) return '—';
  return types.map(([type, { schema }]) => type === PROBLEM ? '[problem](#problems)'
    : type === 'text/html' ? 'HTML page' : `\`${type}\` ${shapeOf(schema)}`).join(', or ');
}

function answerRows(answers: [string, Answer][]): string[] {
  return ['| status | meaning | body | problem codes |', '| --- | --- | --- | --- |',
    ...answers.map(([status, a]) => `| ${status} | ${cell(a.description)} | ${
      cell(bodyOf(a))} | ${codeList(a['x-problem-codes'])} |`)];
}

function parameterLines(route: Route): string[] {
  const params = (route.op.parameters ?? []) as Parameter[];
  if (params.length === 0) return [];
  const each = params.map((p) => `\`${p.name}\` (${p.in}${p.required ? ', required' : ''}): ${
    shapeOf(p.schema)}`);
  return [`- **Parameters:** ${each.join('; ')}`];
}

function requestLines(route: Route): string[] {
  const body = route.op.requestBody as { content: Record<string, { schema: Schema }> } | undefined;
  if (!body) return [];
  return Object.entries(body.content).map(([type, { schema }]) =>
    `- **Request body** (\`${type}\`): ${shapeOf(schema)}`);
}

function renderRoute(route: Route, shared: Set<string>): string[] {
  const own = route.answers.filter(([status]) => !shared.has(status));
  const lines = [`#### \`${route.method} ${route.path}\``, '', `${route.op.summary}.`];
  if (route.op.description) lines.push('', route.op.description);
  lines.push('', `- **Auth:** ${authOf(route).long}`, ...parameterLines(route),
    ...requestLines(route), '', ...answerRows(own), '');
  return lines;
}

function byTag(routes: Route[]): Map<string, Route[]> {
  const groups = new Map<string, Route[]>();
  for (const route of routes) {
    const tag = route.op.tags[0] ?? 'other';
    groups.set(tag, [...(groups.get(tag) ?? []), route]);
  }
  return groups;
}

const titleOf = (tag: string): string =>
  TAG_TITLES[tag] ?? tag.charAt(0).toUpperCase() + tag.slice(1);

function overview(groups: Map<string, Route[]>): string[] {
  const lines = ['| area | method | path | summary | auth |', '| --- | --- | --- | --- | --- |'];
  for (const [tag, routes] of groups) {
    for (const r of routes) {
      lines.push(`| ${titleOf(tag)} | ${r.method} | \`${r.path}\` | ${cell(r.op.summary)} | ${
        authOf(r).short} |`);
    }
  }
  return lines;
}

/** A schema's fields as a table (an object), else its shape. */
function schemaBody(schema: Schema): string[] {
  const props = schema.properties as Record<string, Schema> | undefined;
  if (schema.type !== 'object' || !props) return [shapeOf(schema)];
  const required = new Set((schema.required ?? []) as string[]);
  return ['| field | type | required |', '| --- | --- | --- |',
    ...Object.entries(props).map(([name, s]) =>
      `| \`${name}\` | ${cell(shapeOf(s, 1))} | ${required.has(name) ? 'yes' : 'no'} |`)];
}

function schemaSection(doc: OpenApiDocument): string[] {
  const lines = ['### Schemas', ''];
  for (const name of Object.keys(doc.components.schemas).sort()) {
    lines.push(`#### Schema \`${name}\``, '',
      ...schemaBody(doc.components.schemas[name] as Schema), '');
  }
  return lines;
}

/** The generated section: overview, answers shared by every route, each route, schemas. */
export function renderReference(doc: OpenApiDocument): string {
  const routes = routesOf(doc);
  const shared = sharedStatuses(routes);
  const gets = routes.filter((r) => r.method === 'GET');
  const getShared = [...sharedStatuses(gets)].filter(([s]) => !shared.has(s));
  const groups = byTag(routes);
  const lines = [`${routes.length} operations of the OpenAPI document \`GET /v1/openapi.json\`` +
    ` (${doc.openapi}), built in \`registry/openapi/\`. Do not edit this section: change the ` +
    'document and run `npm run docs:api`.', '', ...overview(groups), '',
    '### Answers every route may give', '', ...answerRows([...shared]), '',
    'Every `GET` may also answer:', '', ...answerRows(getShared), '',
    'Marketplace pages answer their errors as HTML pages to browsers (`Accept: text/html`).', ''];
  const skip = new Set([...shared.keys()]);
  for (const [tag, list] of groups) {
    lines.push(`### ${titleOf(tag)}`, '');
    for (const route of list) {
      const extra = route.method === 'GET' ? getShared.map(([s]) => s) : [];
      lines.push(...renderRoute(route, new Set([...skip, ...extra])));
    }
  }
  lines.push(...schemaSection(doc));
  return lines.join('\n').replace(/\n+$/, '\n');
}

/** `template` with the text between the markers replaced by the reference. */
export function renderApiDoc(template: string, doc: OpenApiDocument = openapiDocument()): string {
  const begin = template.indexOf(GENERATED_BEGIN);
  const end = template.indexOf(GENERATED_END);
  if (begin < 0 || end < begin) {
    throw new Error(`docs/registry-api.md needs the markers "${GENERATED_BEGIN}" and ` +
      `"${GENERATED_END}", in that order`);
  }
  return `${template.slice(0, begin + GENERATED_BEGIN.length)}\n\n${renderReference(doc)}\n${
    template.slice(end)}`;
}

/**
 * `${...}` templates in step inputs. A string that is exactly one
 * `${expr}` takes the value's own type (a list stays a list); any other
 * string with `${...}` in it is interpolated. A key whose value resolves
 * to `undefined` is left out of its object, so optional inputs that the
 * caller did not give stay absent instead of becoming empty strings.
 * Templates are compiled once when a workflow loads, so a malformed one is
 * a load-time error that names its path.
 */
import { evaluate, type Scope } from './conditions.js';
import { EngineError } from './errors.js';
import { parseExpression, type Expr } from './expression_parser.js';

export type Template =
  | { kind: 'constant'; value: unknown }
  | { kind: 'whole'; expr: Expr }
  | { kind: 'interpolate'; parts: (string | Expr)[] }
  | { kind: 'array'; items: Template[] }
  | { kind: 'object'; entries: [string, Template][] };

/**
 * Compiles a value that may hold templates. `path` (a JSON pointer) names
 * where a bad template sits, in the error's message and `details.path`.
 */
export function compileTemplate(value: unknown, path = ''): Template {
  if (typeof value === 'string') return compileString(value, path);
  if (Array.isArray(value)) {
    return { kind: 'array', items: value.map((v, i) => compileTemplate(v, `${path}/${i}`)) };
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([k, v]): [string, Template] => [k, compileTemplate(v, `${path}/${k}`)],
    );
    return { kind: 'object', entries };
  }
  return { kind: 'constant', value };
}

/** Evaluates a compiled template against a run's scope. */
export function renderTemplate(template: Template, scope: Scope): unknown {
  switch (template.kind) {
    case 'constant':
      return template.value;
    case 'whole':
      return evaluate(template.expr, scope);
    case 'interpolate':
      return template.parts
        .map((part) => (typeof part === 'string' ? part : asText(evaluate(part, scope))))
        .join('');
    case 'array':
      // A missing item keeps its place as null, as JSON would write it.
      return template.items.map((item) => renderTemplate(item, scope) ?? null);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, item] of template.entries) {
        const value = renderTemplate(item, scope);
        if (value !== undefined) out[key] = value;
      }
      return out;
    }
  }
}

/** Every expression in a template, for load-time checks of what it reads. */
export function expressionsOf(template: Template): Expr[] {
  switch (template.kind) {
    case 'constant':
      return [];
    case 'whole':
      return [template.expr];
    case 'interpolate':
      return template.parts.filter((p): p is Expr => typeof p !== 'string');
    case 'array':
      return template.items.flatMap(expressionsOf);
    case 'object':
      return template.entries.flatMap(([, item]) => expressionsOf(item));
  }
}

function compileString(text: string, path: string): Template {
  if (!text.includes('${')) return { kind: 'constant', value: text };
  const parts: (string | Expr)[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('${', i);
    if (open < 0) {
      parts.push(text.slice(i));
      break;
    }
    if (open > i) parts.push(text.slice(i, open));
    const close = closingBrace(text, open + 2);
    if (close < 0) fail(path, `unclosed "\${" in "${text}"`);
    parts.push(parseAt(text.slice(open + 2, close), path));
    i = close + 1;
  }
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only !== undefined && typeof only !== 'string') return { kind: 'whole', expr: only };
  return { kind: 'interpolate', parts };
}

/** The `}` that ends a `${`, skipping braces inside quoted strings. */
function closingBrace(text: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '}') {
      return i;
    }
  }
  return -1;
}

function parseAt(source: string, path: string): Expr {
  try {
    return parseExpression(source);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return fail(path, message, err);
  }
}

function fail(path: string, message: string, cause?: unknown): never {
  throw new EngineError('expression_invalid', `${path || '/'}: ${message}`, {
    details: { path, reason: message },
    cause,
  });
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

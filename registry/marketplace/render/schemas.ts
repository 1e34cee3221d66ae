/** A pack's JSON Schemas: their top-level fields as a table, and the whole document. */
import type { LoadedPack } from '../../../packs/load.js';
import { html, type SafeHtml } from '../html.js';

interface SchemaLike {
  title?: unknown;
  description?: unknown;
  type?: unknown;
  required?: unknown;
  properties?: unknown;
}

function typeOf(prop: unknown): string {
  if (!prop || typeof prop !== 'object') return '';
  const p = prop as Record<string, unknown>;
  if (Array.isArray(p.type)) return p.type.join(' | ');
  if (typeof p.type === 'string') return p.type;
  if (p.$ref) return String(p.$ref);
  if (p.enum) return 'enum';
  return ['oneOf', 'anyOf', 'allOf'].find((k) => k in p) ?? '';
}

function fieldsTable(id: string, schema: SchemaLike): SafeHtml {
  const props = schema.properties && typeof schema.properties === 'object'
    ? Object.entries(schema.properties as Record<string, unknown>) : [];
  if (props.length === 0) return html``;
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  return html`<div class="scroll" tabindex="0" role="region" aria-label="Fields of ${id}">
<table><thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Required</th>
<th scope="col">Description</th></tr></thead><tbody>${props.map(([name, prop]) => {
    const desc = prop && typeof prop === 'object' ? (prop as SchemaLike).description : undefined;
    return html`<tr><th scope="row"><code>${name}</code></th><td>${typeOf(prop)}</td>
<td>${required.has(name) ? 'yes' : 'no'}</td><td>${typeof desc === 'string' ? desc : ''}</td></tr>`;
  })}</tbody></table></div>`;
}

export function schemasSection(pack: LoadedPack): SafeHtml {
  if (pack.schemas.size === 0) return html`<p class="muted">This pack ships no JSON Schemas.</p>`;
  return html`${[...pack.schemas].map(([id, doc]) => {
    const schema = doc as SchemaLike;
    return html`<h3 id="schema-${id.replace(/[^A-Za-z0-9_-]/g, '_')}"><code>${id}</code></h3>
${typeof schema.title === 'string' ? html`<p><strong>${schema.title}</strong></p>` : ''}
${typeof schema.description === 'string' ? html`<p>${schema.description}</p>` : ''}
${fieldsTable(id, schema)}
<details><summary>JSON Schema of ${id}</summary><pre tabindex="0"><code>${
      JSON.stringify(doc, null, 2)}</code></pre></details>`;
  })}`;
}

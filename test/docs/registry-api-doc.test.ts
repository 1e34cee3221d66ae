/**
 * docs/registry-api.md's route reference is generated from the OpenAPI
 * document (registry/openapi/markdown.ts): regenerated here in memory, it
 * must equal the committed file, and it covers every documented operation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openapiDocument } from '../../registry/openapi/document.js';
import {
  GENERATED_BEGIN, GENERATED_END, renderApiDoc,
} from '../../registry/openapi/markdown.js';

const FILE = join(import.meta.dirname, '..', '..', 'docs', 'registry-api.md');

describe('docs/registry-api.md', () => {
  const committed = readFileSync(FILE, 'utf8');

  it('holds the reference generated from the OpenAPI document', () => {
    const fresh = renderApiDoc(committed);
    if (fresh !== committed) {
      const a = committed.split('\n');
      const b = fresh.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      expect.fail(`docs/registry-api.md is out of date from line ${line + 1} ` +
        `(committed: ${JSON.stringify(a[line])}, generated: ${JSON.stringify(b[line])}); ` +
        'run `npm run docs:api` and commit the result');
    }
    expect(fresh).toBe(committed);
  });

  it('keeps the hand-written prose outside the markers', () => {
    const begin = committed.indexOf(GENERATED_BEGIN);
    const end = committed.indexOf(GENERATED_END);
    expect(begin).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(begin);
    const prose = committed.slice(0, begin);
    expect(prose).toContain('## Authentication');
    expect(prose).toContain('## Problems');
  });

  it('has a section for every operation, with its auth and answers', () => {
    const doc = openapiDocument();
    const generated = committed.slice(committed.indexOf(GENERATED_BEGIN));
    const missing: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        const heading = `#### \`${method.toUpperCase()} ${path}\``;
        if (!generated.includes(`${heading}\n`)) missing.push(heading);
      }
    }
    expect(missing).toEqual([]);
    const metrics = generated.slice(generated.indexOf('#### `GET /metrics`'));
    expect(metrics).toMatch(/- \*\*Auth:\*\* a token with the `admin` scope\n/);
    expect(metrics).toMatch(/\| 403 \| Not allowed \| \[problem\]\(#problems\) \| `forbidden` \|/);
  });

  it('refuses a template without the markers', () => {
    expect(() => renderApiDoc('# API\n')).toThrow(/needs the markers/);
  });
});

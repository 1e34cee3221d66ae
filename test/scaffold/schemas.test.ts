/**
 * The registry serves the format's JSON Schemas at stable URLs without a
 * token, and the schema line of every scaffolded YAML file names one of
 * them: fetching it and validating the file with it, as VS Code's YAML
 * extension does, passes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseYaml } from '../../packs/documents.js';
import { completeAnswers, questionsFor } from '../../packs/scaffold/answers.js';
import { schemaBaseFrom } from '../../packs/scaffold/schema_urls.js';
import { scaffoldFiles } from '../../packs/scaffold/templates.js';
import { ROOT } from '../helpers/cli.js';
import { backends } from '../helpers/databases.js';
import { startTestRegistry, type TestRegistry } from '../registry/helpers.js';

const NAMES = ['pack.schema.json', 'policy-fragment.schema.json', 'workflow.schema.json',
  'deployment.schema.json'];

describe.each(backends())('schemas at stable URLs ($name)', (backend) => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
  });
  afterAll(async () => reg?.close());

  it('serves each schema of schemas/ as it is, with no token', async () => {
    for (const name of NAMES) {
      const res = await fetch(`${reg.url}/schemas/${name}`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/schema\+json/);
      expect(await res.json()).toEqual(JSON.parse(readFileSync(join(ROOT, 'schemas', name),
        'utf8')));
    }
    const list = (await (await fetch(`${reg.url}/schemas`)).json()) as {
      schemas: { name: string; url: string; $id: string }[] };
    expect(list.schemas.map((s) => s.name).sort()).toEqual([...NAMES].sort());
    expect(list.schemas.find((s) => s.name === 'pack.schema.json')).toMatchObject({
      url: `${reg.url}/schemas/pack.schema.json`,
      $id: 'https://schemas.cordum.dev/pack.schema.json' });
    const missing = await fetch(`${reg.url}/schemas/nope.json`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('not_found');
  });

  it('validates every scaffolded YAML file with the schema its first line names', async () => {
    const answers = completeAnswers(questionsFor('editor-check'), {});
    const files = scaffoldFiles(answers, schemaBaseFrom(undefined, reg.url));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    let checked = 0;
    for (const [file, text] of files) {
      if (!file.endsWith('.yaml')) continue;
      const url = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text)?.[1];
      expect(url, file).toMatch(new RegExp(`^${reg.url}/schemas/`));
      const schema = (await (await fetch(url!)).json()) as { $id?: string };
      const { $id: _id, ...anonymous } = schema;
      const validate = ajv.compile(anonymous);
      expect(validate(parseYaml(text, file)), `${file}: ${JSON.stringify(validate.errors)}`)
        .toBe(true);
      checked++;
    }
    expect(checked).toBe(3);
  });
});

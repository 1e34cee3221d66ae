import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDeployment, readDeployment } from '../../engine/deployment.js';
import { handlersOf } from '../../engine/handlers/table.js';
import { rejection, thrown } from './fixtures.js';

const HEAD = 'apiVersion: cordum.io/v1alpha1\nkind: Deployment\nmetadata: { name: local }\n';

describe('deployment file', () => {
  it('reads http_allowlist and refuses an entry that is not an http URL', () => {
    const spec = (list: string) => `${HEAD}spec:\n  http_allowlist: ${list}\n`;
    const d = parseDeployment(spec('["http://127.0.0.1:9000/hooks/"]'), 'd.yaml');
    expect(d.httpAllowlist).toEqual(['http://127.0.0.1:9000/hooks/']);
    expect(parseDeployment(`${HEAD}spec: {}\n`, 'd.yaml').httpAllowlist).toEqual([]);
    const bad = thrown(() => parseDeployment(spec('["file:///etc"]'), 'd.yaml'));
    expect(bad.code).toBe('deployment_invalid');
    expect(bad.message).toMatch(/\/spec\/http_allowlist\/0/);
  });

  it('reads the contract example', () => {
    const d = parseDeployment(
      `${HEAD}spec:
  tenant: default
  handlers:
    - topics: ["job.hello-pack.*"]
      http: { url: "http://127.0.0.1:9000/jobs", timeout_ms: 30000 }
    - topics: ["job.cordum-demo.*"]
      builtin: echo
    - topics: ["job.tools.*"]
      exec: { command: node, args: [worker.mjs] }
`,
      '/srv/app/cordum.deployment.yaml',
    );
    expect(d).toMatchObject({
      name: 'local',
      tenant: 'default',
      dir: '/srv/app',
      file: '/srv/app/cordum.deployment.yaml',
    });
    expect(d.handlers).toEqual([
      {
        topics: ['job.hello-pack.*'],
        http: { url: 'http://127.0.0.1:9000/jobs', timeout_ms: 30000 },
      },
      { topics: ['job.cordum-demo.*'], builtin: 'echo' },
      { topics: ['job.tools.*'], exec: { command: 'node', args: ['worker.mjs'] } },
    ]);
    const table = handlersOf(d);
    expect(table.find('job.hello-pack.echo')?.name).toBe('http:http://127.0.0.1:9000/jobs');
    expect(table.find('job.cordum-demo.x')?.name).toBe('builtin:echo');
    expect(table.find('job.tools.grep')?.name).toBe('exec:node');
    // `*` does not cross a `/`, as in Go's path.Match.
    expect(table.find('job.tools.a/b')).toBeUndefined();
    expect(table.find('job.other.x')).toBeUndefined();
  });

  it('sends a job to the first handler that matches', () => {
    const d = parseDeployment(
      `${HEAD}spec:
  handlers:
    - { topics: ["job.a.special"], builtin: noop }
    - { topics: ["job.a.*"], builtin: echo }
`,
      'd.yaml',
    );
    expect(handlersOf(d).find('job.a.special')?.name).toBe('builtin:noop');
    expect(handlersOf(d).find('job.a.other')?.name).toBe('builtin:echo');
  });

  const invalid: [string, string, string, RegExp][] = [
    [
      'a wrong kind',
      'apiVersion: cordum.io/v1alpha1\nkind: Pack\nspec: {}\n',
      '/kind',
      /must be "Deployment"/,
    ],
    ['no spec', 'apiVersion: cordum.io/v1alpha1\nkind: Deployment\n', '/spec', /required/],
    [
      'an unknown field',
      `${HEAD}spec: { tenants: [a] }\n`,
      '/spec/tenants',
      /not an allowed field/,
    ],
    [
      'a handler with no kind',
      `${HEAD}spec:\n  handlers: [{ topics: [a] }]\n`,
      '/spec/handlers/0',
      /exactly one of builtin, http or exec/,
    ],
    [
      'a handler with two kinds',
      `${HEAD}spec:\n  handlers:\n    - topics: [a]\n      builtin: echo\n` +
        '      exec: { command: x }\n',
      '/spec/handlers/0',
      /exactly one of builtin, http or exec/,
    ],
    [
      'an unknown builtin',
      `${HEAD}spec:\n  handlers: [{ topics: [a], builtin: shout }]\n`,
      '/spec/handlers/0/builtin',
      /must be one of "echo", "noop"/,
    ],
    [
      'an http url without scheme',
      `${HEAD}spec:\n  handlers: [{ topics: [a], http: { url: x } }]\n`,
      '/spec/handlers/0/http/url',
      /must match pattern/,
    ],
    [
      'no topics',
      `${HEAD}spec:\n  handlers: [{ topics: [], builtin: echo }]\n`,
      '/spec/handlers/0/topics',
      /must NOT have fewer than 1 items/,
    ],
    [
      'a malformed glob',
      `${HEAD}spec:\n  handlers: [{ topics: ["job.[a"], builtin: echo }]\n`,
      '/spec/handlers/0/topics/0',
      /unclosed \[/,
    ],
    [
      'a bad timeout',
      `${HEAD}spec:\n  handlers:\n    - topics: [a]\n      exec: { command: x, ` +
        'timeout_ms: 0 }\n',
      '/spec/handlers/0/exec/timeout_ms',
      /must be >= 1/,
    ],
  ];
  it.each(invalid)('rejects %s with the file and path', (_name, text, path, message) => {
    const error = thrown(() => parseDeployment(text, 'ops/cordum.deployment.yaml'));
    expect(error.code).toBe('deployment_invalid');
    expect(error.message).toMatch(/^ops\/cordum\.deployment\.yaml: /);
    expect(error.issues).toContainEqual(
      expect.objectContaining({
        file: 'ops/cordum.deployment.yaml',
        path,
        message: expect.stringMatching(message),
      }),
    );
  });

  it('never shows the query of a handler URL, and refuses credentials in it', () => {
    const spec = (url: string) => `apiVersion: cordum.io/v1alpha1
kind: Deployment
spec:
  handlers:
    - topics: ["job.a.*"]
      http: { url: "${url}" }
`;
    const d = parseDeployment(spec('http://127.0.0.1:9000/jobs?token=QTOKEN'), 'd.yaml');
    expect(handlersOf(d).find('job.a.x')?.name).toBe('http:http://127.0.0.1:9000/jobs?…');
    const error = thrown(() => parseDeployment(spec('http://svc:PASSW0RD@127.0.0.1:9000/jobs'),
      'd.yaml'));
    expect(error.code).toBe('deployment_invalid');
    expect(error.issues).toEqual([expect.objectContaining({ path: '/spec/handlers/0/http/url',
      rule: 'credentials' })]);
    expect(JSON.stringify(error.issues)).not.toContain('PASSW0RD');
  });

  it('reports YAML syntax errors with the file', () => {
    const error = thrown(() => parseDeployment('spec: [unclosed', 'x.yaml'));
    expect(error.code).toBe('yaml_syntax');
    expect(error.message).toMatch(/^x\.yaml/);
  });

  it('reads a file, and says when it is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cordum-deploy-'));
    const file = join(dir, 'cordum.deployment.yaml');
    writeFileSync(file, `${HEAD}spec: { tenant: t1 }\n`);
    expect((await readDeployment(file)).tenant).toBe('t1');
    const missing = await rejection(readDeployment(join(dir, 'nope.yaml')));
    expect(missing.code).toBe('deployment_missing');
  });
});

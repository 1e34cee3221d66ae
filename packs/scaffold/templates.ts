/**
 * The files of a new pack, as text: pack.yaml with policy simulations, one
 * workflow, a policy fragment, input and output schemas, and a README.
 * Every YAML file starts with its schema line. Pure: nothing is written.
 */
import { parse } from 'yaml';
import type { ScaffoldAnswers } from './answers.js';
import { SCHEMA_FILES, schemaLine } from './schema_urls.js';

/** YAML double-quoted scalar (JSON strings are valid YAML). */
const q = (s: string) => JSON.stringify(s);
/** A pack id as YAML: plain, unless YAML would read it as something else (`123`, `1e5`, `null`). */
const idValue = (id: string) => (typeof parse(id) === 'string' ? id : q(id));

function packYaml(a: ScaffoldAnswers, base: string): string {
  const id = a.id;
  // A policy simulation's pack, as a flow mapping entry.
  const pack = `packId: ${idValue(id)}`;
  const author = a.author ? `\n  author: ${q(a.author)}` : '';
  return `${schemaLine(base, SCHEMA_FILES.pack)}
apiVersion: cordum.io/v1alpha1
kind: Pack

metadata:
  id: ${idValue(id)}
  version: 0.1.0
  title: ${q(a.title)}
  description: ${q(a.description)}${author}
  license: ${q(a.license)}

compatibility:
  protocolVersion: 1

topics:
  - name: job.${id}.hello
    capability: ${id}.hello
    riskTags: []
    requires: []

resources:
  schemas:
    - id: ${id}/HelloInput
      path: schemas/HelloInput.json
    - id: ${id}/HelloOutput
      path: schemas/HelloOutput.json
  workflows:
    - id: ${id}.hello
      path: workflows/hello.yaml

overlays:
  policy:
    - name: policy
      strategy: bundle_fragment
      path: overlays/policy.fragment.yaml

tests:
  policySimulations:
    - name: hello_is_allowed
      request: { tenantId: default, topic: job.${id}.hello, capability: ${id}.hello, ${pack} }
      expectDecision: ALLOW
    - name: undeclared_topic_is_denied
      request: { tenantId: default, topic: job.${id}.other, ${pack} }
      expectDecision: DENY
    - name: writes_need_approval
      request: { tenantId: default, topic: job.${id}.hello, ${pack}, riskTags: [write] }
      expectDecision: REQUIRE_APPROVAL
  # Runs the workflow on the real engine with a stubbed worker reply.
  workflows:
    - name: hello_returns_the_worker_reply
      workflow: ${id}.hello
      input: { message: hi }
      workers:
        job.${id}.hello: { output: { message: "hello, hi" } }
      expect:
        status: succeeded
        steps:
          hello: { status: succeeded, output: { message: "hello, hi" } }
`;
}

function workflowYaml(a: ScaffoldAnswers, base: string): string {
  const id = a.id;
  return `${schemaLine(base, SCHEMA_FILES.workflow)}
id: ${id}.hello
name: Hello
description: Sends the input's message to the ${id} worker and returns its answer.
version: "0.1.0"
timeout_sec: 60
steps:
  hello:
    type: worker
    topic: job.${id}.hello
    input:
      message: \${input.message}
    input_schema_id: ${id}/HelloInput
    output_schema_id: ${id}/HelloOutput
    meta:
      pack_id: ${idValue(id)}
      capability: ${id}.hello
      risk_tags: []
    retry:
      max_retries: 2
      initial_backoff_sec: 1
      max_backoff_sec: 10
      multiplier: 2
`;
}

function fragmentYaml(a: ScaffoldAnswers, base: string): string {
  const id = a.id;
  return `${schemaLine(base, SCHEMA_FILES.policyFragment)}
# Rules are tried in order; the first whose match holds decides.
version: v1
rules:
  - id: ${id}-writes-need-approval
    match:
      topics: ["job.${id}.*"]
      risk_tags: [write]
    decision: require_approval
    reason: Jobs of ${id} that write need a person's approval.
  - id: ${id}-allow-hello
    match:
      topics: ["job.${id}.hello"]
      pack_ids: [${idValue(id)}]
    decision: allow
    reason: The hello topic is declared by ${id}.
  - id: ${id}-deny-undeclared
    match:
      topics: ["job.${id}.*"]
    decision: deny
    reason: Only the topics ${id} declares may run.
`;
}

/** Inputs are closed (a typo fails the run); outputs stay open to what a worker adds. */
function schemaJson(title: string, properties: Record<string, object>, required: string[],
  closed: boolean) {
  const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', title,
    type: 'object', properties, required, ...(closed ? { additionalProperties: false } : {}) };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

function readme(a: ScaffoldAnswers): string {
  const id = a.id;
  return `# ${a.title}

${a.description}

## What is in it

| file | what |
| --- | --- |
| \`pack.yaml\` | the manifest: topic \`job.${id}.hello\`, resources, policy overlay, tests |
| \`workflows/hello.yaml\` | workflow \`${id}.hello\`: one worker step |
| \`overlays/policy.fragment.yaml\` | the policy: approval for writes, allow hello, deny the rest |
| \`schemas/\` | JSON Schemas of the step's input and output |

## Try it

\`\`\`sh
cordum pack validate .
cordum pack test .
cordum pack build . --out ${id}-0.1.0.tgz
\`\`\`

Then sign and publish it: see docs/publishing.md.
`;
}

/** The new pack's files by path, relative to its folder. */
export function scaffoldFiles(a: ScaffoldAnswers, schemaBase: string): Map<string, string> {
  return new Map([
    ['pack.yaml', packYaml(a, schemaBase)],
    ['workflows/hello.yaml', workflowYaml(a, schemaBase)],
    ['overlays/policy.fragment.yaml', fragmentYaml(a, schemaBase)],
    ['schemas/HelloInput.json', schemaJson('HelloInput',
      { message: { type: 'string', minLength: 1 } }, ['message'], true)],
    ['schemas/HelloOutput.json', schemaJson('HelloOutput',
      { message: { type: 'string' } }, [], false)],
    ['README.md', readme(a)],
  ]);
}

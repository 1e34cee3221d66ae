/** hello-pack (a real pack, copied to a temp folder) with workflow tests added. */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyPack, edit } from '../../packs/helpers/packs.js';

/** The echo step's reply, valid against hello-pack/HelloOutput. */
export const ECHO_OUTPUT = '{ echo: hi, job_id: j-1, received_at: "2026-01-01T00:00:00Z" }';

/** A copy of hello-pack whose policy asks approval for echo jobs, with these tests. */
export function helloPackWithTests(testsYaml: string): string {
  const dir = copyPack('hello-pack');
  edit(dir, 'overlays/policy.fragment.yaml', 'decision: allow', 'decision: require_approval');
  appendFileSync(join(dir, 'pack.yaml'), `\ntests:\n  workflows:\n${testsYaml}`);
  return dir;
}

/** One workflow test of hello-pack.echo, as YAML list item lines. */
export function echoTest(name: string, body: string): string {
  const lines = [`- name: ${name}`, '  workflow: hello-pack.echo',
    '  input: { message: hi, author: ann }', ...body.split('\n').filter((l) => l.trim() !== '')];
  return `${lines.map((l) => `    ${l}`).join('\n')}\n`;
}

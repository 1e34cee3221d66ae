/**
 * `cordum pack test DIR|TGZ`: the pack's policy simulations and workflow
 * tests, pass or fail, as test-runner lines, `--json`, or a JUnit XML file.
 *
 * Workflow tests need the engine, which `packs/` may not import: the runner
 * comes in through the `WorkflowTestRunner` seam, passed by cli/main.ts, which
 * loads the engine only when a pack declares workflow tests.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { PackError } from '../errors.js';
import { runCommand } from '../../cli/output.js';
import { readPackSource } from '../bundle/source.js';
import { loadPack, type LoadedPack } from '../load.js';
import type { TestMismatch, WorkflowTestResult } from '../manifest.js';
import { runSimulations, type SimulationResult } from '../simulate.js';
import { assertNotFolder } from '../../cli/out_file.js';
import { writeWhole } from '../write_whole.js';
import { refuseOverwrite, type InputFile } from './files.js';

/** Runs a pack's `tests.workflows[]` and answers one result per test, in order. */
export type WorkflowTestRunner = (pack: LoadedPack) => Promise<WorkflowTestResult[]>;

interface TestReport {
  id: string;
  snapshot: string;
  passed: number;
  failed: number;
  results: SimulationResult[];
  workflows: WorkflowTestResult[];
}

/** Without an engine wired in, a pack that declares workflow tests cannot run them. */
const noEngine: WorkflowTestRunner = async () => {
  throw new PackError('usage', 'this build has no engine to run the pack\'s workflow tests');
};

/**
 * packs/ uses no other part: the engine's workflow-test runner is passed in by the
 * CLI entry point, which is the one place that knows every part.
 */
export function registerTestCommand(
  pack: Command,
  runWorkflows: WorkflowTestRunner = noEngine,
): void {
  pack
    .command('test <source>')
    .description("Run the pack's policy simulations and workflow tests")
    .option('--json', 'print the result as JSON')
    .option('--junit <file>', 'also write the results as JUnit XML, for CI')
    .action((source: string, opts: { json?: boolean; junit?: string }) =>
      runCommand(opts, async () => {
        assertNotFolder('--junit', opts.junit, 'junit.xml');
        const { report, inputs } = await testPack(source, runWorkflows);
        if (opts.junit) {
          refuseOverwrite(opts.junit, '--junit', inputs);
          // The report's folder is made, as `pack build --out` makes its own.
          writeWhole(opts.junit, junitXml(report));
        }
        return report;
      }, renderReport, (r) => (r.failed > 0 ? 1 : 0)),
    );
}

/** The report, and the files it was read from (the tarball, or each file of the folder). */
async function testPack(source: string, runWorkflows: WorkflowTestRunner)
  : Promise<{ report: TestReport; inputs: InputFile[] }> {
  const read = await readPackSource(source);
  const pack = loadPack(read.files);
  const { snapshotHash, results } = runSimulations(pack);
  const workflows = (pack.manifest.tests?.workflows ?? []).length > 0
    ? await runWorkflows(pack) : [];
  const failed = results.filter((r) => !r.passed).length +
    workflows.filter((w) => !w.passed).length;
  const report = { id: pack.manifest.metadata.id, snapshot: snapshotHash,
    passed: results.length + workflows.length - failed, failed, results, workflows };
  const dir = read.dir;
  const inputs = dir === undefined ? [{ path: source, what: 'the tarball' }]
    : [...read.files.files.keys()].map((name) => ({ path: join(dir, name),
      what: 'the pack\'s file' }));
  return { report, inputs };
}

function renderReport(r: TestReport): string[] {
  const total = r.results.length + r.workflows.length;
  return [
    ...r.results.map(simulationLine),
    ...r.workflows.flatMap(workflowLines),
    total === 0 ? `${r.id}: no policy simulations declared`
      : `${r.passed} passed, ${r.failed} failed`,
  ];
}

function simulationLine(s: SimulationResult): string {
  return s.passed
    ? `pass ${s.name}: ${s.actual}${s.ruleId ? ` (rule ${s.ruleId})` : ''}`
    : `FAIL ${s.name}: expected ${s.expected.toUpperCase()}, got ${s.actual}${
      s.ruleId ? ` (rule ${s.ruleId})` : ' (no rule matched)'}`;
}

function workflowLines(w: WorkflowTestResult): string[] {
  const ms = `${w.durationMs} ms`;
  if (w.passed) return [`pass ${w.name}: workflow ${w.workflow} ${w.status} (${ms})`];
  if (w.error) {
    return [`FAIL ${w.name}: workflow ${w.workflow} did not run (${ms})`,
      `    error[${w.error.code}]: ${w.error.message}`];
  }
  return [`FAIL ${w.name}: workflow ${w.workflow} ${w.status} (${ms})`,
    ...w.mismatches.flatMap(diffLines)];
}

/** A diff of one mismatch: the expected value, then the actual one. */
function diffLines(m: TestMismatch): string[] {
  return [`    ${m.path}:`, `      - expected ${shown(m.expected)}`,
    `      + actual   ${shown(m.actual)}`];
}

function shown(value: unknown): string {
  return value === undefined ? '(absent)' : JSON.stringify(value);
}

/** The report as JUnit XML: one testsuite per kind of test, one testcase per test. */
export function junitXml(r: TestReport): string {
  const sims = r.results.map((s) => testcase(`${r.id}.policy`, s.name, 0,
    s.passed ? undefined : simulationLine(s)));
  const flows = r.workflows.map((w) => testcase(`${r.id}.workflows`, w.name, w.durationMs,
    w.passed ? undefined : workflowLines(w).join('\n')));
  const failed = (list: { passed: boolean }[]) => list.filter((t) => !t.passed).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${esc(r.id)}" tests="${r.passed + r.failed}" failures="${r.failed}">`,
    suite(`${r.id} policy simulations`, r.results.length, failed(r.results), sims),
    suite(`${r.id} workflows`, r.workflows.length, failed(r.workflows), flows),
    '</testsuites>',
    '',
  ].join('\n');
}

function suite(name: string, tests: number, failures: number, cases: string[]): string {
  return [`  <testsuite name="${esc(name)}" tests="${tests}" failures="${failures}"` +
    ` errors="0">`, ...cases, '  </testsuite>'].join('\n');
}

function testcase(classname: string, name: string, ms: number, failure?: string): string {
  const open = `    <testcase classname="${esc(classname)}" name="${esc(name)}"` +
    ` time="${(ms / 1000).toFixed(3)}"`;
  if (failure === undefined) return `${open}/>`;
  const message = esc(failure.split('\n')[0] ?? '');
  return `${open}>\n      <failure message="${message}">${esc(failure)}</failure>\n` +
    '    </testcase>';
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

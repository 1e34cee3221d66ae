/**
 * Compares a finished run with what its workflow test expects: the run's
 * status, and per step its status and a subset of its output (objects match
 * when every expected key matches; arrays match item by item).
 */
import type { TestMismatch, WorkflowTest } from '../../packs/manifest.js';
import type { RunView } from '../records.js';

export function mismatchesOf(expect: WorkflowTest['expect'], view: RunView): TestMismatch[] {
  const out: TestMismatch[] = [];
  if (expect.status !== undefined && expect.status !== view.run.status) {
    out.push({ path: 'status', expected: expect.status, actual: view.run.status });
  }

  for (const [stepId, want] of Object.entries(expect.steps ?? {})) {
    const step = view.steps.find((s) => s.step_id === stepId);
    const path = `steps.${stepId}`;
    if (!step) {
      out.push({ path, expected: want, actual: undefined });
      continue;
    }
    if (want.status !== undefined && want.status !== step.status) {
      out.push({ path: `${path}.status`, expected: want.status, actual: step.status });
    }
    if (want.output !== undefined) subset(`${path}.output`, want.output, step.output, out);
  }
  return out;
}

function subset(path: string, expected: unknown, actual: unknown, out: TestMismatch[]): void {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      out.push({ path, expected, actual });
      return;
    }
    expected.forEach((item, i) => subset(`${path}[${i}]`, item, actual[i], out));
    return;
  }
  if (isObject(expected)) {
    if (!isObject(actual)) {
      out.push({ path, expected, actual });
      return;
    }
    for (const [key, value] of Object.entries(expected)) {
      subset(`${path}.${key}`, value, actual[key], out);
    }
    return;
  }
  if (expected !== actual) out.push({ path, expected, actual });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

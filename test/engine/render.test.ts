/** What a waiting run prints: the command that moves each waiting step on. */
import { describe, expect, it } from 'vitest';
import type { StepRecord, TimelineEvent } from '../../engine/records.js';
import { runLines, timelineLines, type PublicView } from '../../engine/render.js';

const step = (step_id: string, type: string, extra: Partial<StepRecord> = {}): StepRecord => ({
  run_id: 'r1', step_id, position: 0, type, status: 'waiting', skipped: false, attempts: 0,
  ...extra,
});

describe('runLines', () => {
  it('says how to move on an approval, an input step and a timer', () => {
    const view = {
      run_id: 'r1', status: 'waiting',
      run: { id: 'r1', workflow_id: 'p.w', status: 'waiting' },
      steps: [step('ok', 'approval'), step('ask', 'input'),
        step('nap', 'delay', { wake_at: '2030-01-01T00:00:00.000Z' })],
      approvals: [{ run_id: 'r1', step_id: 'ok', status: 'pending' }],
    } as unknown as PublicView;
    const lines = runLines(view);
    expect(lines).toContain('  cordum engine approve r1 ok   or   cordum engine reject r1 ok');
    expect(lines).toContain('waiting for input to ask:');
    expect(lines).toContain("  cordum engine input r1 ask --data '{...}'");
    expect(lines).toContain('nap waits until 2030-01-01T00:00:00.000Z: `cordum engine serve` ' +
      'on this data goes on with it then');
    // The approval's step is not also told to wait for input or a timer.
    expect(lines.filter((l) => l.startsWith('waiting for'))).toEqual([
      'waiting for approval of ok:', 'waiting for input to ask:']);
  });
});

describe('runLines with the place the run is kept', () => {
  it('repeats the --project and --data given, --data-dir for engine input', () => {
    const view = {
      run_id: 'r1', status: 'waiting',
      run: { id: 'r1', workflow_id: 'p.w', status: 'waiting' },
      steps: [step('ok', 'approval'), step('ask', 'input')],
      approvals: [{ run_id: 'r1', step_id: 'ok', status: 'pending' }],
    } as unknown as PublicView;
    const lines = runLines(view, { project: 'site', data: '/tmp/my data' });
    expect(lines).toContain("  cordum engine approve r1 ok --project site --data '/tmp/my data'" +
      "   or   cordum engine reject r1 ok --project site --data '/tmp/my data'");
    expect(lines).toContain(
      "  cordum engine input r1 ask --data '{...}' --project site --data-dir '/tmp/my data'");
    // The default project folder is not repeated.
    expect(runLines(view, { project: '.' })).toContain(
      '  cordum engine approve r1 ok   or   cordum engine reject r1 ok');
  });
});

describe('timelineLines', () => {
  it('names who approved beside the note, and nobody when none was given', () => {
    const at = '2026-12-05T10:00:00.000Z';
    const events = [
      { at, type: 'approval_granted', step_id: 'write', message: 'looks good',
        details: { by: 'ana' } },
      { at, type: 'approval_granted', step_id: 'other', message: 'approved', details: {} },
    ] as TimelineEvent[];
    expect(timelineLines(events)).toEqual([
      `${at}  approval_granted    write       looks good  by ana`,
      `${at}  approval_granted    other       approved`,
    ]);
  });
});

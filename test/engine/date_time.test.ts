/**
 * `delay_until` takes RFC 3339 date-times only: a full date, a time and a
 * time zone, each field in range (no 31st of February turned into March).
 */
import { describe, expect, it } from 'vitest';
import { parseDateTime } from '../../engine/date_time.js';
import { planWorkflow } from '../../engine/plan.js';
import { DEMO_SCHEMAS, thrown, workflow } from './fixtures.js';

describe('parseDateTime', () => {
  const valid: [string, string][] = [
    ['2026-03-01T09:00:00Z', '2026-03-01T09:00:00.000Z'],
    ['2026-03-01t09:00:00z', '2026-03-01T09:00:00.000Z'],
    ['2026-03-01T09:00:00.5Z', '2026-03-01T09:00:00.500Z'],
    ['2026-03-01T09:00:00.123456+02:00', '2026-03-01T07:00:00.123Z'],
    ['2026-03-01T00:30:00-05:30', '2026-03-01T06:00:00.000Z'],
    ['2024-02-29T23:59:59+00:00', '2024-02-29T23:59:59.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
  ];
  it.each(valid)('reads %s as %s', (text, iso) => {
    expect(new Date(parseDateTime(text)!).toISOString()).toBe(iso);
  });

  const invalid = [
    '5', '-1', 'version 2', 'tomorrow', '', '2026-03-01', '2026-03-01T09:00:00',
    '2026-03-01T09:00Z', '2026-3-1T09:00:00Z', '2026-03-01 09:00:00Z', ' 2026-03-01T09:00:00Z',
    '2026-03-01T09:00:00Z ', '2026-02-31T00:00:00Z', '2025-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z', '2026-03-00T00:00:00Z',
    '2026-03-01T24:00:00Z', '2026-03-01T09:60:00Z', '2026-03-01T09:00:60Z',
    '2026-03-01T09:00:00+24:00', '2026-03-01T09:00:00+02:60', '2026-03-01T09:00:00+0200',
    '2026-03-01T09:00:00.Z', 'Sun, 01 Mar 2026 09:00:00 GMT', '+002026-03-01T09:00:00Z',
    '２０２６-03-01T09:00:00Z',
    // UTC in the year 10000: the engine cannot store it (nor JavaScript write it in 4 digits).
    '9999-12-31T23:59:59-23:59',
  ];
  it.each(invalid)('refuses %j', (text) => {
    expect(parseDateTime(text)).toBeUndefined();
  });
});

describe('delay_until at load', () => {
  it.each(['5', 'version 2', '-1', '2026-02-31T00:00:00Z', '2026-03-01'])(
    'refuses the literal %j, naming the step and the form expected', (until) => {
      const wf = workflow('late', { nap: { type: 'delay', delay_until: until } });
      const error = thrown(() => planWorkflow(wf, DEMO_SCHEMAS));
      expect(error.code).toBe('workflow_invalid');
      expect(error.message).toContain('/steps/nap/delay_until');
      expect(error.message).toContain(`delay_until "${until}" of step "nap" is not an RFC 3339 ` +
        'date-time');
      expect(error.message).toMatch(/such as 2026-03-01T09:00:00Z/);
    });

  it('refuses a delay_sec that would wake past 9999-12-31T23:59:59Z', () => {
    for (const sec of [1e12, 1e300]) {
      const wf = workflow('late', { nap: { type: 'delay', delay_sec: sec } });
      const error = thrown(() => planWorkflow(wf, DEMO_SCHEMAS));
      expect(error.code).toBe('workflow_invalid');
      expect(error.message).toContain('/steps/nap/delay_sec: delay_sec of step "nap" would ' +
        'wake after 9999-12-31T23:59:59Z');
    }
    const far = workflow('late', { nap: { type: 'delay', delay_sec: 1e9 } });
    expect(planWorkflow(far, DEMO_SCHEMAS).steps[0]!.delay?.sec).toBe(1e9);
  });

  it('takes a date-time with an offset, and a ${...} to check when it is rendered', () => {
    for (const until of ['2026-03-01T09:00:00+01:00', '${input.when}']) {
      const wf = workflow('late', { nap: { type: 'delay', delay_until: until } });
      expect(planWorkflow(wf, DEMO_SCHEMAS).steps[0]!.delay?.until).toBeDefined();
    }
  });
});

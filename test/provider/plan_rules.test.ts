import { describe, expect, it } from 'vitest';
import { planComputed, replacePaths } from '../../provider/framework/plan_rules.js';
import type { Block } from '../../provider/framework/schema.js';
import { UNKNOWN, type ObjectValue } from '../../provider/framework/values.js';

const block: Block = {
  attributes: {
    name: { type: 'string', required: true, replace: true, description: '' },
    note: { type: 'string', optional: true, description: '' },
    id: { type: 'string', computed: true, stable: true, description: '' },
    hash: { type: 'string', computed: true, description: '' },
    mode: { type: 'string', optional: true, computed: true, description: '' },
  },
  blocks: {
    pack: {
      nesting: 'list',
      block: {
        attributes: {
          range: { type: 'string', required: true, description: '' },
          version: { type: 'string', computed: true, description: '' },
        },
      },
    },
  },
};

const prior: ObjectValue = {
  name: 'a',
  note: 'x',
  id: 'id-1',
  hash: 'h1',
  mode: 'auto',
  pack: [{ range: '^1', version: '1.2.0' }],
};

describe('planComputed', () => {
  const cases: {
    name: string;
    proposed: ObjectValue;
    prior: ObjectValue | null;
    config: ObjectValue;
    expected: ObjectValue;
  }[] = [
    {
      name: 'create: unset computed attributes are unknown',
      prior: null,
      proposed: {
        name: 'a',
        note: null,
        id: null,
        hash: null,
        mode: null,
        pack: [{ range: '^1', version: null }],
      },
      config: {
        name: 'a',
        note: null,
        id: null,
        hash: null,
        mode: null,
        pack: [{ range: '^1', version: null }],
      },
      expected: {
        name: 'a',
        note: null,
        id: UNKNOWN,
        hash: UNKNOWN,
        mode: UNKNOWN,
        pack: [{ range: '^1', version: UNKNOWN }],
      },
    },
    {
      name: 'no change: the prior state, so a second plan is clean',
      prior,
      proposed: prior,
      config: {
        name: 'a',
        note: 'x',
        id: null,
        hash: null,
        mode: null,
        pack: [{ range: '^1', version: null }],
      },
      expected: prior,
    },
    {
      name: 'update: stable kept, others unknown, configured optional+computed kept',
      prior,
      proposed: { ...prior, note: 'y', mode: 'manual' },
      config: {
        name: 'a',
        note: 'y',
        id: null,
        hash: null,
        mode: 'manual',
        pack: [{ range: '^1', version: null }],
      },
      expected: {
        ...prior,
        note: 'y',
        id: 'id-1',
        hash: UNKNOWN,
        mode: 'manual',
        pack: [{ range: '^1', version: UNKNOWN }],
      },
    },
  ];
  it.each(cases)('$name', ({ proposed, prior: before, config, expected }) => {
    expect(planComputed(block, proposed, before, config)).toEqual(expected);
  });

  it('does not change the proposed object it is given', () => {
    const proposed: ObjectValue = { ...prior, note: 'z' };
    planComputed(block, proposed, prior, { ...proposed });
    expect(proposed.hash).toBe('h1');
  });
});

describe('replacePaths', () => {
  it.each([
    { name: 'replace attribute changed', planned: { ...prior, name: 'b' }, expected: [['name']] },
    {
      name: 'replace attribute unknown',
      planned: { ...prior, name: UNKNOWN },
      expected: [['name']],
    },
    { name: 'other attribute changed', planned: { ...prior, note: 'q' }, expected: [] },
    { name: 'nothing changed', planned: prior, expected: [] },
  ])('$name', ({ planned, expected }) => {
    expect(replacePaths(block, prior, planned)).toEqual(expected);
  });
});

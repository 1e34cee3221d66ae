import { describe, expect, it } from 'vitest';
import { conditionHolds, evaluate, parseCondition, truthy } from '../../engine/conditions.js';
import { parseExpression } from '../../engine/expression_parser.js';
import { thrown } from './fixtures.js';

const scope = {
  input: {
    count: 5,
    name: 'octo',
    emoji: '\u{1F680} go',
    ok: true,
    none: null,
    tags: ['write', 'prod'],
    empty: [],
    nested: { list: [{ id: 'a' }, { id: 'b' }], 'odd key': 7 },
  },
  steps: {
    check: { status: 'succeeded', output: true },
    'create-issue': { status: 'succeeded', output: { number: 42, labels: ['bug'] } },
  },
  run: { id: 'r1' },
};

describe('evaluate', () => {
  const cases: [string, unknown][] = [
    ['1', 1],
    ['-2.5', -2.5],
    ['1e3', 1000],
    ['"text"', 'text'],
    ["'single'", 'single'],
    ['"esc\\"aped\\n"', 'esc"aped\n'],
    ['true', true],
    ['false', false],
    ['null', null],
    ['input.count', 5],
    ['input.missing', undefined],
    ['input.missing.deeper', undefined],
    ['input.tags[1]', 'prod'],
    ['input.tags.0', 'write'],
    ['input.tags[9]', undefined],
    ['input.nested.list[1].id', 'b'],
    ['input.nested["odd key"]', 7],
    ['steps.check.output', true],
    ['steps.create-issue.output.number', 42],
    ['steps.create-issue.output.labels[0]', 'bug'],
    ['run.id', 'r1'],
    ['length(input.tags)', 2],
    ['length(input.name)', 4],
    ['length(input.nested)', 2],
    ['length(input.missing)', 0],
    ['first(input.tags)', 'write'],
    ['first(input.empty)', undefined],
    ['first(input.missing)', undefined],
    ['first(input.name)', 'o'],
    // A whole character, never half of a surrogate pair (which could not be stored).
    ['first(input.emoji)', '\u{1F680}'],
    // Characters, as first() takes them, not UTF-16 units: é and an emoji are two.
    ['length("é😀")', 2],
    ['length(input.emoji)', 4],
    ['length("")', 0],
    ['input.count > 3', true],
    ['input.count < 3', false],
    ['input.count >= 5', true],
    ['input.count <= 4', false],
    ['input.count == 5', true],
    ['input.count != 5', false],
    ['input.name == "octo"', true],
    ['input.name > "a"', true],
    ['input.missing == null', true],
    ["input.missing == ''", true],
    ["${input.missing} != ''", false],
    ["${input.name} != ''", true],
    ["input.none == ''", false],
    ['input.none == input.missing', true],
    ['input.none == 0', false],
    ['input.none == null', true],
    ['input.missing > 1', false],
    ['input.tags == input.tags', true],
    ['input.count == "5"', false],
    ['!input.ok', false],
    ['!input.missing', true],
    ['!!input.name', true],
    ['input.ok && input.count > 3', true],
    ['input.ok && input.count > 9', false],
    ['input.missing || input.name', true],
    ['false || false', false],
    ['true || false && false', true],
    ['(true || false) && false', false],
    ['!input.ok || input.count == 5', true],
    ['length(input.tags) > 1 && first(input.tags) == "write"', true],
    ['${input.count} > 3', true],
    ['${input.ok}', true],
    ['${input.count > 9} || ${steps.check.output}', true],
    ['  input.count   ==   5  ', true],
  ];
  it.each(cases)('%s', (source, expected) => {
    expect(evaluate(parseExpression(source), scope)).toEqual(expected);
  });
});

describe('conditions', () => {
  const cases: [string | boolean, boolean][] = [
    [true, true],
    [false, false],
    ['input.ok', true],
    ['input.empty', false],
    ['input.tags', true],
    ['input.none', false],
    ['input.count', true],
    ['input.name == "nobody"', false],
  ];
  it.each(cases)('%s holds: %s', (condition, expected) => {
    expect(conditionHolds(parseCondition(condition), scope)).toBe(expected);
  });

  it('treats an empty list as false and other values as JavaScript does', () => {
    expect([[], [0], '', 'x', 0, 1, null, undefined, {}].map(truthy)).toEqual([
      false,
      true,
      false,
      true,
      false,
      true,
      false,
      false,
      true,
    ]);
  });
});

describe('errors', () => {
  const syntax: [string, RegExp][] = [
    ['', /expected a value/],
    ['input.', /expected a name or an index after "."/],
    ['input.count >', /expected a value/],
    ['input.count > 1 > 0', /comparisons do not chain/],
    ['(input.ok', /expected "\)"/],
    ['${input.ok', /unclosed "\$\{"/],
    ['${input.ok)', /unclosed|expected "}"/],
    ['input.ok }', /unexpected "}"/],
    ['"open', /unterminated string/],
    ['"bad \\q"', /unknown escape/],
    ['input.count = 5', /unexpected character "="/],
    ['input.count + 1', /unexpected character "\+"/],
    ['upper(input.name)', /unknown function "upper"/],
    ['input[x]', /expected an index or a quoted key/],
    ['input.ok input.count', /expected end of expression/],
  ];
  it.each(syntax)('rejects %j', (source, message) => {
    const error = thrown(() => parseExpression(source));
    expect(error.code).toBe('expression_invalid');
    expect(error.message).toMatch(message);
  });

  const runtime: [string, RegExp][] = [
    ['input.name > 1', /cannot order a string and a number with ">"/],
    ['input.tags < 3', /cannot order a list and a number/],
    ['length(input.count)', /length\(\) needs a list, an object or a string, got a number/],
    ['first(input.ok)', /first\(\) needs a list or a string, got a boolean/],
  ];
  it.each(runtime)('fails to evaluate %j', (source, message) => {
    const expr = parseExpression(source);
    expect(() => evaluate(expr, scope)).toThrow(message);
  });

  it('reads only own properties, never the prototype', () => {
    expect(evaluate(parseExpression('input.constructor'), scope)).toBeUndefined();
    expect(evaluate(parseExpression('input.name.length'), scope)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { compileTemplate, renderTemplate } from '../../engine/expressions.js';
import { thrown } from './fixtures.js';

const scope = {
  input: { message: 'hi', count: 3, tags: ['a', 'b'], obj: { k: 1 }, flag: false, none: null },
  steps: { fetch: { status: 'succeeded', output: { items: [{ id: 7 }], total: 1 } } },
};

function render(value: unknown): unknown {
  return renderTemplate(compileTemplate(value), scope);
}

describe('templates', () => {
  const cases: [string, unknown, unknown][] = [
    ['a plain string', 'hello', 'hello'],
    ['a number', 4, 4],
    ['null', null, null],
    ['a whole string expression', '${input.message}', 'hi'],
    ['a whole number keeps its type', '${input.count}', 3],
    ['a whole list keeps its type', '${input.tags}', ['a', 'b']],
    ['a whole object keeps its type', '${input.obj}', { k: 1 }],
    ['a whole false stays false', '${input.flag}', false],
    ['a whole null stays null', '${input.none}', null],
    ['step outputs with indexes', '${steps.fetch.output.items[0].id}', 7],
    ['an expression, not only a path', '${length(input.tags) > 1}', true],
    ['interpolation', 'say ${input.message}!', 'say hi!'],
    ['interpolated number', 'n=${input.count}', 'n=3'],
    ['interpolated object as JSON', 'o=${input.obj}', 'o={"k":1}'],
    ['interpolated missing value as empty', '[${input.missing}]', '[]'],
    ['two expressions', '${input.message}-${input.count}', 'hi-3'],
    ['spaces keep it a string', ' ${input.count}', ' 3'],
    ['a brace inside a quoted string', '${input.message == "}"}', false],
    ['a list of templates', ['${input.count}', 'x'], [3, 'x']],
    ['a missing list item is null', ['${input.missing}'], [null]],
    ['nested objects', { a: { b: '${input.tags[1]}' } }, { a: { b: 'b' } }],
    [
      'a missing value leaves the key out',
      { m: '${input.message}', a: '${input.author}' },
      { m: 'hi' },
    ],
    ['a missing nested path leaves the key out', { x: '${steps.fetch.output.nope.deeper}' }, {}],
  ];
  it.each(cases)('%s', (_name, value, expected) => {
    expect(render(value)).toEqual(expected);
  });

  it('names the path of a bad template', () => {
    expect(() => compileTemplate({ a: [{ b: '${input.' }] })).toThrow(/^\/a\/0\/b: unclosed/);
    expect(() => compileTemplate({ a: '${input.}' })).toThrow(/^\/a: expected a name/);
    const error = thrown(() => compileTemplate({ a: '${1 +}' }));
    expect(error.code).toBe('expression_invalid');
    expect(error.details?.path).toBe('/a');
  });
});

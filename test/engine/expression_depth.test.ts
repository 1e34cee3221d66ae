/**
 * The expression language's fixed nesting limit: past it a condition or a
 * `${...}` is refused as any malformed expression is (`expression_invalid`),
 * never with "Maximum call stack size exceeded"; within it, nothing that
 * walks the parsed tree (pathsOf, evaluate) can overflow the stack.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../engine/conditions.js';
import {
  MAX_EXPRESSION_DEPTH, parseExpression, pathsOf, type Expr,
} from '../../engine/expression_parser.js';
import { compileTemplate } from '../../engine/expressions.js';
import { planWorkflow } from '../../engine/plan.js';
import { DEMO_SCHEMAS, thrown, workflow } from './fixtures.js';

const scope = { input: { ok: true, name: 'octo' } };

/** `levels` of each kind of nesting around a path, and the width of one opener. */
const nestings: [string, (levels: number) => string][] = [
  ['"!"', (n) => `${'!'.repeat(n)}input.ok`],
  ['parentheses', (n) => `${'('.repeat(n)}input.ok${')'.repeat(n)}`],
  ['"${" groups', (n) => `${'${'.repeat(n)}input.ok${'}'.repeat(n)}`],
  ['function calls', (n) => `${'first('.repeat(n)}input.name${')'.repeat(n)}`],
  // "!" and parentheses in turn outside, calls inside (first() of a boolean would fail).
  ['all of them mixed', (n) => {
    const calls = Math.floor(n / 3);
    const outer = Array.from({ length: n - calls }, (_, i) => (i % 2 ? '(' : '!'));
    const closers = outer.filter((c) => c === '(').map(() => ')').join('');
    return outer.join('') + 'first('.repeat(calls) + 'input.name' + ')'.repeat(calls) + closers;
  }],
];

/** The height of a parsed tree, measured without recursion. */
function height(expr: Expr): number {
  let max = 0;
  const stack: [Expr, number][] = [[expr, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    max = Math.max(max, depth);
    const children = Object.values(node).flat()
      .filter((v): v is Expr => v !== null && typeof v === 'object' && 'kind' in v);
    for (const child of children) stack.push([child, depth + 1]);
  }
  return max;
}

describe('the expression nesting limit', () => {
  it('is 64 levels', () => {
    expect(MAX_EXPRESSION_DEPTH).toBe(64);
  });

  it.each(nestings)('takes %s nested up to the limit', (_name, nest) => {
    const expr = parseExpression(nest(MAX_EXPRESSION_DEPTH));
    expect(() => evaluate(expr, scope)).not.toThrow();
    expect(pathsOf(expr)).toHaveLength(1);
  });

  it.each(nestings)('refuses %s nested one level past it as expression_invalid',
    (_name, nest) => {
      const error = thrown(() => parseExpression(nest(MAX_EXPRESSION_DEPTH + 1)));
      expect(error.code).toBe('expression_invalid');
      expect(error.message).toMatch(/^nested deeper than 64 levels .* at offset \d+ in "/);
    });

  it('names the offset of the first level past the limit', () => {
    const error = thrown(() => parseExpression('!'.repeat(100) + 'input.ok'));
    expect(error.message).toMatch(/, found "!" at offset 64 in "!!!/);
    expect(error.details).toMatchObject({ offset: 64 });
  });

  // The sizes that overflowed the stack, in the validator, the registry and `engine serve`.
  it.each([
    ['10,000 "!"', '!'.repeat(10_000) + 'input.ok'],
    ['2,000 parentheses', `${'('.repeat(2_000)}input.ok${')'.repeat(2_000)}`],
  ])('refuses %s with expression_invalid and a short message', (_name, source) => {
    const error = thrown(() => parseExpression(source));
    expect(error.code).toBe('expression_invalid');
    expect(error.message).toMatch(/nested deeper than 64 levels/);
    expect(error.message.length).toBeLessThan(300);
  });

  it('reads a chain of 100,000 "&&" and "||" without deepening the tree', () => {
    const pairs = Array(50_000).fill('input.ok && !input.ok').join(' || ');
    const expr = parseExpression(pairs);
    expect(height(expr)).toBeLessThan(10);
    expect(pathsOf(expr)).toHaveLength(100_000);
    expect(evaluate(expr, scope)).toBe(false);
    const all = parseExpression(Array(100_000).fill('input.ok').join(' && '));
    expect(evaluate(all, scope)).toBe(true);
    const any = parseExpression(`${Array(100_000).fill('!input.ok').join(' || ')} || input.ok`);
    expect(evaluate(any, scope)).toBe(true);
  });

  it('stops a chain at the operand that decides it, as the two-operand tree did', () => {
    const bad = 'input.name > 1';
    expect(evaluate(parseExpression(`input.ok && !input.ok && ${bad}`), scope)).toBe(false);
    expect(evaluate(parseExpression(`!input.ok || input.ok || ${bad}`), scope)).toBe(true);
    expect(() => evaluate(parseExpression(`input.ok && input.ok && ${bad}`), scope))
      .toThrow(/cannot order a string and a number/);
  });

  it('keeps the tree of the deepest expression allowed a few hundred levels high', () => {
    const level = (inner: string) => `(input.ok || !(${inner}) && input.ok == true)`;
    let source = 'input.ok';
    // Three levels each: "(", "!" and the "(" after it.
    for (let i = 0; i < MAX_EXPRESSION_DEPTH / 3 - 1; i++) source = level(source);
    const expr = parseExpression(source);
    expect(height(expr)).toBeLessThanOrEqual(4 * MAX_EXPRESSION_DEPTH + 2);
    expect(evaluate(expr, scope)).toBe(true);
  });
});

describe('an expression past the limit in a workflow', () => {
  it('is refused in a template, naming its path', () => {
    const error = thrown(() => compileTemplate({ a: [`\${${'!'.repeat(10_000)}input.ok}`] }));
    expect(error.code).toBe('expression_invalid');
    expect(error.details?.path).toBe('/a/0');
    expect(error.message).toMatch(/^\/a\/0: nested deeper than 64 levels/);
  });

  it.each([
    ['condition', { condition: '!'.repeat(8_000) + 'input.ok' }, '/steps/a/condition'],
    ['input', { input: { x: `\${${'('.repeat(2_000)}input.ok${')'.repeat(2_000)}}` } },
      '/steps/a/input/x'],
  ])('is refused at load (a %s) as workflow_invalid, naming the step and field',
    (_name, field, path) => {
      const wf = workflow('deep', { a: { type: 'transform', ...field } });
      const error = thrown(() => planWorkflow(wf, DEMO_SCHEMAS));
      expect(error.code).toBe('workflow_invalid');
      expect(error.issues).toEqual([expect.objectContaining({ file: 'workflows/deep.yaml',
        path, rule: 'expression_invalid',
        message: expect.stringMatching(/nested deeper than 64 levels/) })]);
    });
});

/**
 * A small recursive-descent parser for the expression language of
 * workflows. There is no `eval`: the result is a tree that
 * `engine/conditions.ts` walks. Precedence, loosest first:
 * `||`, `&&`, comparison (`== != > < >= <=`, not chained), `!`, primaries
 * (literals, dot paths, `length(x)`, `first(x)`, parentheses).
 */
import { EngineError } from './errors.js';
import { tokenize, type Token, type TokenKind } from './expression_lexer.js';

export type CompareOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type FunctionName = 'length' | 'first';

export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'path'; segments: (string | number)[] }
  | { kind: 'call'; fn: FunctionName; arg: Expr }
  | { kind: 'not'; operand: Expr }
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'compare'; op: CompareOp; left: Expr; right: Expr };

const FUNCTIONS: readonly string[] = ['length', 'first'];
const KEYWORDS: Record<string, boolean | null> = { true: true, false: false, null: null };

/** Parses one expression; throws `expression_invalid` naming the offset. */
export function parseExpression(source: string): Expr {
  const parser = new Parser(source, tokenize(source));
  const expr = parser.or();
  parser.expect('eof', 'end of expression');
  return expr;
}

class Parser {
  private pos = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  or(): Expr {
    let left = this.and();
    while (this.peek().kind === 'or') {
      this.pos++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  and(): Expr {
    let left = this.comparison();
    while (this.peek().kind === 'and') {
      this.pos++;
      left = { kind: 'and', left, right: this.comparison() };
    }
    return left;
  }

  comparison(): Expr {
    const left = this.unary();
    if (this.peek().kind !== 'compare') return left;
    const op = this.next().text as CompareOp;
    const right = this.unary();
    if (this.peek().kind === 'compare') {
      this.fail(this.peek(), 'comparisons do not chain; add parentheses');
    }
    return { kind: 'compare', op, left, right };
  }

  unary(): Expr {
    if (this.peek().kind === 'not') {
      this.pos++;
      return { kind: 'not', operand: this.unary() };
    }
    return this.primary();
  }

  primary(): Expr {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return { kind: 'literal', value: Number(token.text) };
      case 'string':
        return { kind: 'literal', value: token.text };
      case 'lparen': {
        const inner = this.or();
        const closer = token.text === '${' ? '}' : ')';
        const close = this.next();
        if (close.kind !== 'rparen' || close.text !== closer)
          this.fail(close, `expected "${closer}"`);
        return inner;
      }
      case 'ident':
        return this.identifier(token);
      default:
        return this.fail(token, 'expected a value, a path or "("');
    }
  }

  private identifier(token: Token): Expr {
    if (this.peek().kind === 'lparen') {
      if (!FUNCTIONS.includes(token.text)) {
        this.fail(token, `unknown function "${token.text}" (known: ${FUNCTIONS.join(', ')})`);
      }
      this.pos++;
      const arg = this.or();
      this.expect('rparen', '")"');
      return { kind: 'call', fn: token.text as FunctionName, arg };
    }
    if (token.text in KEYWORDS && this.peek().kind !== 'dot') {
      return { kind: 'literal', value: KEYWORDS[token.text]! };
    }
    return { kind: 'path', segments: [token.text, ...this.pathRest()] };
  }

  /** `.name`, `.0`, `[0]` and `["key"]` after the first name of a path. */
  private pathRest(): (string | number)[] {
    const segments: (string | number)[] = [];
    for (;;) {
      const kind = this.peek().kind;
      if (kind === 'dot') {
        this.pos++;
        const part = this.next();
        if (part.kind === 'ident') segments.push(part.text);
        else if (part.kind === 'number' && /^[0-9]+$/.test(part.text)) {
          segments.push(Number(part.text));
        } else this.fail(part, 'expected a name or an index after "."');
      } else if (kind === 'lbracket') {
        this.pos++;
        const part = this.next();
        if (part.kind === 'string') segments.push(part.text);
        else if (part.kind === 'number' && /^[0-9]+$/.test(part.text)) {
          segments.push(Number(part.text));
        } else this.fail(part, 'expected an index or a quoted key inside "[]"');
        this.expect('rbracket', '"]"');
      } else {
        return segments;
      }
    }
  }

  peek(): Token {
    return this.tokens[this.pos]!;
  }

  next(): Token {
    const token = this.tokens[this.pos]!;
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  expect(kind: TokenKind, what: string): Token {
    const token = this.next();
    if (token.kind !== kind) this.fail(token, `expected ${what}`);
    return token;
  }

  private fail(token: Token, what: string): never {
    const found = token.kind === 'eof' ? 'end of input' : `"${token.text}"`;
    throw new EngineError(
      'expression_invalid',
      `${what}, found ${found} at offset ${token.at} in "${this.source}"`,
      { details: { expression: this.source, offset: token.at } },
    );
  }
}

/** Every path the expression reads, for load-time checks of step references. */
export function pathsOf(expr: Expr): (string | number)[][] {
  switch (expr.kind) {
    case 'literal':
      return [];
    case 'path':
      return [expr.segments];
    case 'call':
      return pathsOf(expr.arg);
    case 'not':
      return pathsOf(expr.operand);
    default:
      return [...pathsOf(expr.left), ...pathsOf(expr.right)];
  }
}

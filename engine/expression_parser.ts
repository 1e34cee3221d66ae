/**
 * A small recursive-descent parser for the expression language of
 * workflows. There is no `eval`: the result is a tree that
 * `engine/conditions.ts` walks. Precedence, loosest first:
 * `||`, `&&`, comparison (`== != > < >= <=`, not chained), `!`, primaries
 * (literals, dot paths, `length(x)`, `first(x)`, parentheses).
 *
 * Nesting is capped (MAX_EXPRESSION_DEPTH) and `&&`/`||` chains are one
 * node each, so every walk of the tree (pathsOf, `evaluate`) recurses a
 * bounded number of levels whatever the workflow holds.
 */
import { EngineError } from './errors.js';
import { excerpt, tokenize, type Token, type TokenKind } from './expression_lexer.js';

export type CompareOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type FunctionName = 'length' | 'first';

export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'path'; segments: (string | number)[] }
  | { kind: 'call'; fn: FunctionName; arg: Expr }
  | { kind: 'not'; operand: Expr }
  // A chain `a && b && c` is one node, not a tree as deep as the chain is long.
  | { kind: 'and' | 'or'; operands: Expr[] }
  | { kind: 'compare'; op: CompareOp; left: Expr; right: Expr };

/**
 * Levels of `!`, parentheses (and `${...}` groups) and function calls one
 * expression may nest, counted together: `!(length(x))` is three. The parser
 * recurses once per level, and so do evaluation and pathsOf, so without a
 * fixed bound a long enough `!!!...` overflowed the stack, the deeper the
 * caller's own stack the sooner (`engine serve` before `engine run`).
 */
export const MAX_EXPRESSION_DEPTH = 64;

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
  /** Levels of `!`, parentheses and calls open at `pos`. */
  private depth = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  or(): Expr {
    const operands = [this.and()];
    while (this.peek().kind === 'or') {
      this.pos++;
      operands.push(this.and());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }

  and(): Expr {
    const operands = [this.comparison()];
    while (this.peek().kind === 'and') {
      this.pos++;
      operands.push(this.comparison());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
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
    const token = this.peek();
    if (token.kind === 'not') {
      this.pos++;
      return this.nested(token, () => ({ kind: 'not', operand: this.unary() }));
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
      case 'lparen':
        return this.nested(token, () => this.group(token));
      case 'ident':
        return this.identifier(token);
      default:
        return this.fail(token, 'expected a value, a path or "("');
    }
  }

  /** The inside of `(...)` or `${...}`, up to its own closer. */
  private group(open: Token): Expr {
    const inner = this.or();
    const closer = open.text === '${' ? '}' : ')';
    const close = this.next();
    if (close.kind !== 'rparen' || close.text !== closer) this.fail(close, `expected "${closer}"`);
    return inner;
  }

  /** Parses one level deeper than now, refusing a level past MAX_EXPRESSION_DEPTH. */
  private nested(token: Token, parse: () => Expr): Expr {
    if (this.depth >= MAX_EXPRESSION_DEPTH) {
      this.fail(token, `nested deeper than ${MAX_EXPRESSION_DEPTH} levels ` +
        '(of "!", parentheses and function calls together)');
    }
    this.depth++;
    const expr = parse();
    this.depth--;
    return expr;
  }

  private identifier(token: Token): Expr {
    if (this.peek().kind === 'lparen') {
      if (!FUNCTIONS.includes(token.text)) {
        this.fail(token, `unknown function "${token.text}" (known: ${FUNCTIONS.join(', ')})`);
      }
      this.pos++;
      return this.nested(token, () => {
        const arg = this.or();
        this.expect('rparen', '")"');
        return { kind: 'call', fn: token.text as FunctionName, arg };
      });
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
      `${what}, found ${found} at offset ${token.at} in "${excerpt(this.source)}"`,
      { details: { expression: this.source, offset: token.at } },
    );
  }
}

/**
 * Every path the expression reads, in the order they are written, for
 * load-time checks of step references. Iterative, so a chain of any length
 * costs no stack.
 */
export function pathsOf(expr: Expr): (string | number)[][] {
  const paths: (string | number)[][] = [];
  const stack: Expr[] = [expr];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.kind === 'path') paths.push(node.segments);
    // Children go on in reverse so the leftmost comes off first; one push each, as spreading
    // a long chain into push() would pass its operands on the stack.
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return paths;
}

function childrenOf(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'literal':
    case 'path':
      return [];
    case 'call':
      return [expr.arg];
    case 'not':
      return [expr.operand];
    case 'and':
    case 'or':
      return expr.operands;
    case 'compare':
      return [expr.left, expr.right];
  }
}

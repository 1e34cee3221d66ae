/**
 * Splits an expression (`input.count > 3 && !steps.check.output`) into
 * tokens. A `${ ... }` group inside a condition reads as parentheses, so
 * `${input.ok} == true` and `input.ok == true` mean the same.
 */
import { EngineError } from './errors.js';

export type TokenKind =
  | 'number'
  | 'string'
  | 'ident'
  | 'dot'
  | 'lbracket'
  | 'rbracket'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'compare'
  | 'not'
  | 'and'
  | 'or'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text, or the decoded value of a string literal. */
  text: string;
  /** Offset in the expression, for error messages. */
  at: number;
}

const SINGLE: Record<string, TokenKind> = {
  '.': 'dot',
  '[': 'lbracket',
  ']': 'rbracket',
  '(': 'lparen',
  ')': 'rparen',
  ',': 'comma',
};

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/** Characters of an expression an error message quotes before it cuts the rest. */
const QUOTED_CHARS = 80;

/**
 * `source` as an error message quotes it: whole when short, else its start
 * and how long it is, so a refused 10,000-character expression makes a
 * one-line message (the error's details keep it whole).
 */
export function excerpt(source: string): string {
  if (source.length <= QUOTED_CHARS) return source;
  // Never half of a surrogate pair: a message may be stored, and a lone half cannot be.
  const end = /[\ud800-\udbff]/.test(source[QUOTED_CHARS - 1]!) ? QUOTED_CHARS - 1 : QUOTED_CHARS;
  return `${source.slice(0, end)}... (${source.length} characters)`;
}

function fail(source: string, at: number, what: string): never {
  throw new EngineError('expression_invalid', `${what} at offset ${at} in "${excerpt(source)}"`, {
    details: { expression: source, offset: at },
  });
}

/** Tokenizes the whole of `source`; the last token is always `eof`. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let groups = 0;
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '$' && source[i + 1] === '{') {
      tokens.push({ kind: 'lparen', text: '${', at: i });
      groups++;
      i += 2;
    } else if (c === '}') {
      if (groups === 0) fail(source, i, 'unexpected "}"');
      tokens.push({ kind: 'rparen', text: '}', at: i });
      groups--;
      i++;
    } else if (c === '"' || c === "'") {
      i = readString(source, i, tokens);
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const m = /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(source.slice(i))!;
      tokens.push({ kind: 'number', text: m[0], at: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      // Step ids may hold hyphens (`steps.create-issue.output`); there is no minus.
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(source.slice(i))!;
      tokens.push({ kind: 'ident', text: m[0], at: i });
      i += m[0].length;
    } else {
      i = readOperator(source, i, tokens);
    }
  }
  if (groups > 0) fail(source, source.length, 'unclosed "${"');
  tokens.push({ kind: 'eof', text: '', at: source.length });
  return tokens;
}

function readString(source: string, start: number, tokens: Token[]): number {
  const quote = source[start]!;
  let value = '';
  let i = start + 1;
  while (i < source.length && source[i] !== quote) {
    if (source[i] === '\\') {
      const escaped = ESCAPES[source[i + 1] ?? ''];
      if (escaped === undefined) fail(source, i, 'unknown escape in string');
      value += escaped;
      i += 2;
    } else {
      value += source[i];
      i++;
    }
  }
  if (i >= source.length) fail(source, start, 'unterminated string');
  tokens.push({ kind: 'string', text: value, at: start });
  return i + 1;
}

function readOperator(source: string, i: number, tokens: Token[]): number {
  const two = source.slice(i, i + 2);
  if (two === '==' || two === '!=' || two === '>=' || two === '<=') {
    tokens.push({ kind: 'compare', text: two, at: i });
    return i + 2;
  }
  if (two === '&&' || two === '||') {
    tokens.push({ kind: two === '&&' ? 'and' : 'or', text: two, at: i });
    return i + 2;
  }
  const c = source[i]!;
  if (c === '>' || c === '<') {
    tokens.push({ kind: 'compare', text: c, at: i });
  } else if (c === '!') {
    tokens.push({ kind: 'not', text: c, at: i });
  } else if (SINGLE[c]) {
    tokens.push({ kind: SINGLE[c], text: c, at: i });
  } else {
    fail(source, i, `unexpected character "${c}"`);
  }
  return i + 1;
}

import type { KqlField, KqlNode, KqlPatternPart, KqlRangeOp } from './ast.ts';
import { kqlSyntaxError, kqlUnsupportedError } from './kql-error.ts';
import { Lexer } from './lexer.ts';
import type { KqlKeyword, QuotedToken, Token, WordToken } from './lexer.ts';

/** Options of {@link parseKql}. */
export interface ParseKqlOptions {
  /**
   * Record each node's source range in `span` (for error messages of later stages). Off by
   * default so that equal queries give deep-equal trees whatever their spacing.
   */
  readonly spans?: boolean;
}

/** How deep parentheses and `not` may nest; deeper queries are refused rather than overflowing. */
export const MAX_KQL_DEPTH = 100;

const EXPECT_QUERY = ['field', 'value', "'('", "'not'"];
const EXPECT_VALUE = ['value', "'('"];
const EXPECT_LIST_VALUE = ['value', "'('", "'not'"];
const OPERATOR_TEXT: Readonly<Record<KqlRangeOp, string>> = {
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** An unquoted value: one or more words with the whitespace between them kept. */
interface Words {
  readonly kind: 'words';
  readonly start: number;
  readonly end: number;
  readonly parts: readonly KqlPatternPart[];
  readonly count: number;
  readonly last: WordToken;
  readonly firstAny: number;
}
type Literal = Words | QuotedToken;

/** A parsed field; `'*'` is the lone wildcard meaning "any field". */
type ParsedField = KqlField | '*';

/**
 * Parses a KQL query into its syntax tree. The empty query (or only whitespace) is `match_all`.
 *
 * @throws SiemError `SIEM_QUERY_SYNTAX` with `details: { offset, line, column, expected }` for
 *   malformed input; `SIEM_QUERY_UNSUPPORTED` (same details) for nested queries (`field:{...}`),
 *   a range over every field (`* > 5`) and nesting deeper than {@link MAX_KQL_DEPTH}.
 */
export function parseKql(input: string, options: ParseKqlOptions = {}): KqlNode {
  return new Parser(input, options.spans === true).parseQuery();
}

class Parser {
  private readonly lexer: Lexer;
  private readonly input: string;
  private readonly spans: boolean;
  private depth = 0;
  /** End offset of the last consumed token. */
  private lastEnd = 0;

  constructor(input: string, spans: boolean) {
    this.input = input;
    this.lexer = new Lexer(input);
    this.spans = spans;
  }

  parseQuery(): KqlNode {
    if (this.lexer.peek().kind === 'eof') {
      return this.span({ type: 'match_all' }, 0, this.input.length);
    }
    const node = this.parseOr('a query');
    const last = this.lexer.peek();
    if (last.kind !== 'eof') throw this.unexpectedAfterExpression(last, 'end of input');
    return node;
  }

  // --- query level: or < and < not < ( ... ) | expression -------------------------------------

  private parseOr(what: string): KqlNode {
    const start = this.lexer.peek().start;
    const children = [this.parseAnd(what)];
    while (isKeyword(this.lexer.peek(), 'or')) {
      this.consume();
      children.push(this.parseAnd("a query after 'or'"));
    }
    return this.combine('or', children, start);
  }

  private parseAnd(what: string): KqlNode {
    const start = this.lexer.peek().start;
    const children = [this.parseNot(what)];
    while (isKeyword(this.lexer.peek(), 'and')) {
      this.consume();
      children.push(this.parseNot("a query after 'and'"));
    }
    return this.combine('and', children, start);
  }

  private parseNot(what: string): KqlNode {
    const t = this.lexer.peek();
    if (!isKeyword(t, 'not')) return this.parsePrimary(what);
    this.enter(t);
    this.consume();
    const child = this.parseNot("a query after 'not'");
    this.depth--;
    return this.span({ type: 'not', child }, t.start, this.lastEnd);
  }

  private parsePrimary(what: string): KqlNode {
    const t = this.lexer.peek();
    if (t.kind === '(') {
      this.enter(t);
      this.consume();
      const inner = this.parseOr("a query after '('");
      this.closeParen(t);
      this.depth--;
      return inner;
    }
    if (isLiteral(t)) return this.parseExpression(t);
    throw this.expected(t, what, EXPECT_QUERY);
  }

  private parseExpression(first: WordToken | QuotedToken): KqlNode {
    const literal = this.parseLiteral(first);
    const t = this.lexer.peek();
    if (t.kind !== ':' && t.kind !== 'range') return this.valueNode(null, literal, literal.start);
    this.checkSingleWord(literal);
    const field = this.toField(literal);
    this.consume();
    if (t.kind === 'range') return this.parseRange(field, t.op, literal.start);
    return this.parseFieldValue(field, literal.start);
  }

  private parseRange(field: ParsedField, op: KqlRangeOp, start: number): KqlNode {
    if (field === '*') {
      throw kqlUnsupportedError(
        this.input,
        start,
        "a range over every field ('*') is not supported",
      );
    }
    const t = this.lexer.peek();
    if (!isLiteral(t)) throw this.expected(t, `a value after '${OPERATOR_TEXT[op]}'`, ['value']);
    const literal = this.parseLiteral(t);
    this.checkNotBeforeField(literal);
    if (literal.kind === 'words' && literal.firstAny >= 0) {
      throw kqlSyntaxError(
        this.input,
        literal.firstAny,
        "wildcards are not allowed in range values (escape '*' as '\\*' or quote the value)",
        ['value'],
      );
    }
    const value =
      literal.kind === 'quoted' ? literal.text : toRangeValue(patternText(literal.parts));
    return this.span({ type: 'range', field, op, value }, start, literal.end);
  }

  private parseFieldValue(field: ParsedField, start: number): KqlNode {
    const t = this.lexer.peek();
    if (t.kind === '{') {
      throw kqlUnsupportedError(
        this.input,
        t.start,
        'nested field queries (field:{ ... }) are not supported; combine conditions with and/or',
      );
    }
    if (t.kind === '(') {
      return this.respan(this.parseListPrimary(field, "a value after ':'"), start);
    }
    if (!isLiteral(t)) throw this.expected(t, "a value after ':'", EXPECT_VALUE);
    const literal = this.parseLiteral(t);
    this.checkNotBeforeField(literal);
    return this.valueNode(field, literal, start);
  }

  // --- value lists: field:(a or b and not c), desugared to one match per value -----------------

  private parseListOr(field: ParsedField, what: string): KqlNode {
    const start = this.lexer.peek().start;
    const children = [this.parseListAnd(field, what)];
    while (isKeyword(this.lexer.peek(), 'or')) {
      this.consume();
      children.push(this.parseListAnd(field, "a value after 'or'"));
    }
    return this.combine('or', children, start);
  }

  private parseListAnd(field: ParsedField, what: string): KqlNode {
    const start = this.lexer.peek().start;
    const children = [this.parseListNot(field, what)];
    while (isKeyword(this.lexer.peek(), 'and')) {
      this.consume();
      children.push(this.parseListNot(field, "a value after 'and'"));
    }
    return this.combine('and', children, start);
  }

  private parseListNot(field: ParsedField, what: string): KqlNode {
    const t = this.lexer.peek();
    if (!isKeyword(t, 'not')) return this.parseListPrimary(field, what);
    this.enter(t);
    this.consume();
    const child = this.parseListNot(field, "a value after 'not'");
    this.depth--;
    return this.span({ type: 'not', child }, t.start, this.lastEnd);
  }

  private parseListPrimary(field: ParsedField, what: string): KqlNode {
    const t = this.lexer.peek();
    if (t.kind === '(') {
      this.enter(t);
      this.consume();
      const inner = this.parseListOr(field, "a value after '('");
      this.closeParen(t);
      this.depth--;
      return inner;
    }
    if (!isLiteral(t)) throw this.expected(t, what, EXPECT_LIST_VALUE);
    const literal = this.parseLiteral(t);
    this.checkNotBeforeField(literal);
    return this.valueNode(field, literal, literal.start);
  }

  // --- pieces ----------------------------------------------------------------------------------

  /** Consumes the next token, remembering where it ended (for spans). */
  private consume(): Token {
    const t = this.lexer.next();
    this.lastEnd = t.end;
    return t;
  }

  /** A quoted string, or consecutive non-keyword words joined by the whitespace between them. */
  private parseLiteral(first: WordToken | QuotedToken): Literal {
    this.consume();
    if (first.kind === 'quoted') return first;
    const parts: KqlPatternPart[] = [];
    for (const part of first.parts) appendPart(parts, part);
    let last = first;
    let count = 1;
    let firstAny = first.firstAny;
    for (
      let t = this.lexer.peek();
      t.kind === 'word' && t.keyword === null;
      t = this.lexer.peek()
    ) {
      this.consume();
      appendPart(parts, { kind: 'text', text: this.input.slice(last.end, t.start) });
      for (const part of t.parts) appendPart(parts, part);
      if (firstAny < 0) firstAny = t.firstAny;
      last = t;
      count++;
    }
    return { kind: 'words', start: first.start, end: last.end, parts, count, last, firstAny };
  }

  private toField(literal: Literal): ParsedField {
    if (literal.kind === 'quoted') {
      if (literal.text === '') {
        throw kqlSyntaxError(this.input, literal.start, 'expected a field name, found ""', [
          'field',
        ]);
      }
      return { kind: 'name', name: literal.text };
    }
    const { parts } = literal;
    if (isLoneAny(parts)) return '*';
    if (parts.every((p) => p.kind === 'text')) return { kind: 'name', name: patternText(parts) };
    return { kind: 'wildcard', parts };
  }

  private valueNode(field: ParsedField | null, literal: Literal, start: number): KqlNode {
    const target = field === '*' ? null : field;
    const end = literal.end;
    if (literal.kind === 'quoted') {
      const value = { kind: 'phrase', text: literal.text } as const;
      return this.span({ type: 'match', field: target, value }, start, end);
    }
    const { parts } = literal;
    if (isLoneAny(parts)) {
      const node: KqlNode =
        target === null ? { type: 'match_all' } : { type: 'exists', field: target };
      return this.span(node, start, end);
    }
    const value = parts.every((p) => p.kind === 'text')
      ? ({ kind: 'term', text: patternText(parts) } as const)
      : ({ kind: 'wildcard', parts } as const);
    return this.span({ type: 'match', field: target, value }, start, end);
  }

  /** `a b:c` would make "a b" a field name; refuse it and point at the word that starts the field. */
  private checkSingleWord(literal: Literal): void {
    if (literal.kind !== 'words' || literal.count === 1) return;
    const raw = this.input.slice(literal.last.start, literal.last.end);
    throw kqlSyntaxError(
      this.input,
      literal.last.start,
      `expected 'and' or 'or' before the field '${raw}' (quote a field name that has spaces)`,
      ["'and'", "'or'"],
    );
  }

  /** After a value, a multi-word literal followed by ':' or a comparison is a missing and/or. */
  private checkNotBeforeField(literal: Literal): void {
    const t = this.lexer.peek();
    if (t.kind === ':' || t.kind === 'range') this.checkSingleWord(literal);
  }

  private closeParen(open: Token): void {
    const t = this.lexer.peek();
    if (t.kind === ')') {
      this.consume();
      return;
    }
    if (t.kind === 'eof') {
      throw kqlSyntaxError(this.input, open.start, "unclosed '(': expected a matching ')'", [
        "')'",
      ]);
    }
    throw this.unexpectedAfterExpression(t, "')'");
  }

  private enter(t: Token): void {
    if (++this.depth > MAX_KQL_DEPTH) {
      throw kqlUnsupportedError(
        this.input,
        t.start,
        `the query nests deeper than ${MAX_KQL_DEPTH} levels`,
      );
    }
  }

  /** One node for a run of and/or operands, flattening operands of the same type. */
  private combine(type: 'and' | 'or', nodes: readonly KqlNode[], start: number): KqlNode {
    const [only] = nodes;
    if (nodes.length === 1 && only !== undefined) return only;
    const children = nodes.flatMap((n) => (n.type === type ? n.children : [n]));
    return this.span({ type, children }, start, this.lastEnd);
  }

  private span<N extends KqlNode>(node: N, start: number, end: number): N {
    return this.spans ? { ...node, span: { start, end } } : node;
  }

  /** Widens a node parsed from `field:( ... )` to cover the field and the parentheses. */
  private respan(node: KqlNode, start: number): KqlNode {
    return this.span(node, start, this.lastEnd);
  }

  private expected(t: Token, what: string, expected: readonly string[]): Error {
    return kqlSyntaxError(this.input, t.start, `expected ${what}${found(this.input, t)}`, expected);
  }

  private unexpectedAfterExpression(t: Token, closing: string): Error {
    const hint = t.kind === ':' ? " (escape a literal ':' as '\\:' or quote the value)" : '';
    return kqlSyntaxError(
      this.input,
      t.start,
      `expected 'and', 'or' or ${closing}${found(this.input, t)}${hint}`,
      ["'and'", "'or'", closing],
    );
  }
}

function isKeyword(t: Token, keyword: KqlKeyword): t is WordToken {
  return t.kind === 'word' && t.keyword === keyword;
}

function isLiteral(t: Token): t is WordToken | QuotedToken {
  return t.kind === 'quoted' || (t.kind === 'word' && t.keyword === null);
}

function isLoneAny(parts: readonly KqlPatternPart[]): boolean {
  return parts.length === 1 && parts[0]?.kind === 'any';
}

/** Describes the token found where something else was expected, for the message. */
function found(input: string, t: Token): string {
  if (t.kind === 'eof') return '';
  if (t.kind === 'quoted') return ', found a quoted string';
  const raw = input.slice(t.start, t.end);
  if (t.kind === 'word' && t.keyword !== null) {
    return `, found the keyword '${raw}' (write '\\${raw}' or quote it to search for the word)`;
  }
  return `, found '${raw.length > 40 ? `${raw.slice(0, 40)}...` : raw}'`;
}

/** Appends keeping the pattern invariants: no empty text, no two adjacent parts of one kind. */
function appendPart(parts: KqlPatternPart[], part: KqlPatternPart): void {
  const last = parts.at(-1);
  if (part.kind === 'any') {
    if (last?.kind !== 'any') parts.push(part);
  } else if (part.text === '') {
    return;
  } else if (last?.kind === 'text') {
    parts[parts.length - 1] = { kind: 'text', text: last.text + part.text };
  } else {
    parts.push(part);
  }
}

function patternText(parts: readonly KqlPatternPart[]): string {
  return parts.map((p) => (p.kind === 'text' ? p.text : '*')).join('');
}

/** Unquoted numeric literals become numbers when that loses nothing; the rest stay strings. */
function toRangeValue(text: string): string | number {
  if (!NUMBER.test(text)) return text;
  const n = Number(text);
  if (!Number.isFinite(n)) return text;
  if (!/[.eE]/.test(text) && !Number.isSafeInteger(n)) return text;
  return Object.is(n, -0) ? 0 : n;
}

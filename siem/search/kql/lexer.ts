import type { KqlPatternPart, KqlRangeOp } from './ast.ts';
import { kqlSyntaxError } from './kql-error.ts';

/** Whitespace between tokens (Kibana's set: space, tab, CR, LF, no-break space). */
export const WHITESPACE = new Set([' ', '\t', '\r', '\n', '\u00a0']);

/** Characters with a meaning in unquoted text; a backslash makes them literal. */
export const SPECIAL_CHARACTERS = new Set(['\\', '(', ')', ':', '<', '>', '"', '*', '{', '}']);

/** The reserved words, matched case-insensitively as whole words. */
export type KqlKeyword = 'and' | 'or' | 'not';

/**
 * An unquoted word: a run of characters up to whitespace or an unescaped special character.
 * `keyword` is set when the word is exactly `and`, `or` or `not` with no escapes.
 */
export interface WordToken {
  readonly kind: 'word';
  readonly start: number;
  readonly end: number;
  readonly parts: readonly KqlPatternPart[];
  readonly keyword: KqlKeyword | null;
  /** Offset of the first unescaped `*`, or -1. */
  readonly firstAny: number;
}

export interface QuotedToken {
  readonly kind: 'quoted';
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface RangeToken {
  readonly kind: 'range';
  readonly start: number;
  readonly end: number;
  readonly op: KqlRangeOp;
}

export interface PunctuationToken {
  readonly kind: '(' | ')' | ':' | '{' | '}' | 'eof';
  readonly start: number;
  readonly end: number;
}

export type Token = WordToken | QuotedToken | RangeToken | PunctuationToken;

const KEYWORDS: ReadonlyMap<string, KqlKeyword> = new Map([
  ['and', 'and'],
  ['or', 'or'],
  ['not', 'not'],
]);

const ESCAPED_WHITESPACE: ReadonlyMap<string, string> = new Map([
  ['t', '\t'],
  ['r', '\r'],
  ['n', '\n'],
]);

const ESCAPE_HELP =
  'valid escapes are \\t \\r \\n \\uXXXX \\and \\or \\not and a backslash before one of \\():<>"*{}';

function isHex4(text: string): boolean {
  return /^[0-9a-fA-F]{4}$/.test(text);
}

/** True when `input[index]` ends a word: end of input, whitespace or a special character. */
function isBoundary(input: string, index: number): boolean {
  const c = input[index];
  return c === undefined || WHITESPACE.has(c) || SPECIAL_CHARACTERS.has(c);
}

/**
 * Splits a query into tokens on demand, one at a time, so the first error in reading order is
 * the one reported. Whitespace is skipped; the parser reads it back from the source between two
 * word tokens.
 */
export class Lexer {
  readonly input: string;
  private pos = 0;
  private peeked: Token | null = null;

  constructor(input: string) {
    this.input = input;
  }

  /** The next token without consuming it. */
  peek(): Token {
    this.peeked ??= this.scan();
    return this.peeked;
  }

  /** Consumes and returns the next token. */
  next(): Token {
    const token = this.peek();
    this.peeked = null;
    return token;
  }

  private scan(): Token {
    const { input } = this;
    while (this.pos < input.length && WHITESPACE.has(input.charAt(this.pos))) this.pos++;
    const start = this.pos;
    const c = input[start];
    if (c === undefined) return { kind: 'eof', start, end: start };
    switch (c) {
      case '(':
      case ')':
      case ':':
      case '{':
      case '}':
        this.pos++;
        return { kind: c, start, end: this.pos };
      case '<':
      case '>': {
        const inclusive = input[start + 1] === '=';
        this.pos += inclusive ? 2 : 1;
        const op: KqlRangeOp = c === '<' ? (inclusive ? 'lte' : 'lt') : inclusive ? 'gte' : 'gt';
        return { kind: 'range', start, end: this.pos, op };
      }
      case '"':
        return this.scanQuoted(start);
      default:
        return this.scanWord(start);
    }
  }

  private scanQuoted(start: number): QuotedToken {
    const { input } = this;
    let text = '';
    let i = start + 1;
    let runStart = i;
    for (;;) {
      const c = input[i];
      if (c === undefined) {
        throw kqlSyntaxError(input, start, "unterminated quoted string: expected a closing '\"'", [
          "'\"'",
        ]);
      }
      if (c === '"') break;
      if (c !== '\\') {
        i++;
        continue;
      }
      // Kibana's quoted escapes; any other backslash is kept as a literal character.
      const e = input.charAt(i + 1);
      const whitespace = ESCAPED_WHITESPACE.get(e);
      let decoded: string | undefined;
      let length = 2;
      if (whitespace !== undefined) decoded = whitespace;
      else if (e === '\\' || e === '"') decoded = e;
      else if (e === 'u' && isHex4(input.slice(i + 2, i + 6))) {
        decoded = String.fromCharCode(parseInt(input.slice(i + 2, i + 6), 16));
        length = 6;
      }
      if (decoded === undefined) {
        i++;
        continue;
      }
      text += input.slice(runStart, i) + decoded;
      i += length;
      runStart = i;
    }
    text += input.slice(runStart, i);
    this.pos = i + 1;
    return { kind: 'quoted', start, end: this.pos, text };
  }

  private scanWord(start: number): WordToken {
    const { input } = this;
    const parts: KqlPatternPart[] = [];
    let text = '';
    let firstAny = -1;
    let escaped = false;
    let i = start;
    // Text accumulates between wildcards, so two text parts are never adjacent.
    const flush = (): void => {
      if (text !== '') parts.push({ kind: 'text', text });
      text = '';
    };
    for (;;) {
      const c = input[i];
      if (c === undefined || WHITESPACE.has(c)) break;
      if (c === '*') {
        flush();
        if (firstAny < 0) firstAny = i;
        if (parts.at(-1)?.kind !== 'any') parts.push({ kind: 'any' });
        i++;
        continue;
      }
      if (c === '\\') {
        const [decoded, length] = this.decodeEscape(i);
        text += decoded;
        escaped = true;
        i += length;
        continue;
      }
      if (SPECIAL_CHARACTERS.has(c)) break;
      text += c;
      i++;
    }
    flush();
    this.pos = i;
    const keyword = escaped ? undefined : KEYWORDS.get(input.slice(start, i).toLowerCase());
    return { kind: 'word', start, end: i, parts, keyword: keyword ?? null, firstAny };
  }

  /** Decodes the unquoted escape at `input[i] === '\\'`; returns the text and its source length. */
  private decodeEscape(i: number): [string, number] {
    const { input } = this;
    const e = input[i + 1];
    if (e === undefined) {
      throw kqlSyntaxError(input, i, "expected a character after the escape '\\'", [
        'escaped character',
      ]);
    }
    const three = input.slice(i + 1, i + 4);
    // `\not` before a word boundary is the escaped keyword, not a newline followed by "ot".
    if (three.toLowerCase() === 'not' && isBoundary(input, i + 4)) return [three, 4];
    const whitespace = ESCAPED_WHITESPACE.get(e);
    if (whitespace !== undefined) return [whitespace, 2];
    if (SPECIAL_CHARACTERS.has(e)) return [e, 2];
    if (e === 'u' && isHex4(input.slice(i + 2, i + 6))) {
      return [String.fromCharCode(parseInt(input.slice(i + 2, i + 6), 16)), 6];
    }
    if (three.toLowerCase() === 'not') return [three, 4];
    if (three.toLowerCase() === 'and') return [three, 4];
    const two = input.slice(i + 1, i + 3);
    if (two.toLowerCase() === 'or') return [two, 3];
    const shown = String.fromCodePoint(input.codePointAt(i + 1) ?? 0);
    throw kqlSyntaxError(input, i, `invalid escape sequence '\\${shown}': ${ESCAPE_HELP}`, [
      'escaped character',
    ]);
  }
}

import { describe, expect, it } from 'vitest';
import { isSecOpsError } from '../../../platform/errors/index.ts';
import { parseKql } from './index.ts';

const QUERY = ['field', 'value', "'('", "'not'"];
const AFTER_TOP = ["'and'", "'or'", 'end of input'];
const AFTER_PAREN = ["'and'", "'or'", "')'"];
const LIST_VALUE = ['value', "'('", "'not'"];
const ESCAPE = ['escaped character'];

interface ErrorCase {
  readonly query: string;
  readonly offset: number;
  readonly line?: number;
  readonly column: number;
  readonly expected: readonly string[];
  readonly code?: 'SIEM_QUERY_SYNTAX' | 'SIEM_QUERY_UNSUPPORTED';
}

function parseError(query: string): unknown {
  try {
    parseKql(query);
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${JSON.stringify(query)} to fail`);
}

describe('parseKql: errors', () => {
  it.each<ErrorCase>([
    // missing operands
    { query: 'f:', offset: 2, column: 3, expected: ['value', "'('"] },
    { query: 'f:   ', offset: 5, column: 6, expected: ['value', "'('"] },
    { query: 'f:)', offset: 2, column: 3, expected: ['value', "'('"] },
    { query: 'f:and', offset: 2, column: 3, expected: ['value', "'('"] },
    { query: 'f:>5', offset: 2, column: 3, expected: ['value', "'('"] },
    { query: 'a and', offset: 5, column: 6, expected: QUERY },
    { query: 'a or ', offset: 5, column: 6, expected: QUERY },
    { query: 'a and or b', offset: 6, column: 7, expected: QUERY },
    { query: 'not', offset: 3, column: 4, expected: QUERY },
    { query: 'and', offset: 0, column: 1, expected: QUERY },
    { query: 'OR a', offset: 0, column: 1, expected: QUERY },
    { query: ':a', offset: 0, column: 1, expected: QUERY },
    { query: '<5', offset: 0, column: 1, expected: QUERY },
    { query: '}', offset: 0, column: 1, expected: QUERY },
    { query: '{a}', offset: 0, column: 1, expected: QUERY },
    { query: 'x > ', offset: 4, column: 5, expected: ['value'] },
    { query: 'x >= or', offset: 5, column: 6, expected: ['value'] },
    { query: 'x < (1)', offset: 4, column: 5, expected: ['value'] },
    { query: 'x > y*', offset: 5, column: 6, expected: ['value'] },
    { query: '"":x', offset: 0, column: 1, expected: ['field'] },
    // parentheses
    { query: '(a or b', offset: 0, column: 1, expected: ["')'"] },
    { query: 'a or (b and (c)', offset: 5, column: 6, expected: ["')'"] },
    { query: 'f:(a', offset: 2, column: 3, expected: ["')'"] },
    { query: 'f:(a or (b)', offset: 2, column: 3, expected: ["')'"] },
    { query: 'a)', offset: 1, column: 2, expected: AFTER_TOP },
    { query: '(a))', offset: 3, column: 4, expected: AFTER_TOP },
    { query: '()', offset: 1, column: 2, expected: QUERY },
    { query: 'f:()', offset: 3, column: 4, expected: LIST_VALUE },
    { query: 'f:(a or)', offset: 7, column: 8, expected: LIST_VALUE },
    { query: 'f:(not)', offset: 6, column: 7, expected: LIST_VALUE },
    { query: '(a "b")', offset: 3, column: 4, expected: AFTER_PAREN },
    { query: 'f:(a b:c)', offset: 5, column: 6, expected: ["'and'", "'or'"] },
    // terms that do not connect
    { query: 'a "b"', offset: 2, column: 3, expected: AFTER_TOP },
    { query: 'a (b)', offset: 2, column: 3, expected: AFTER_TOP },
    { query: 'a b:c', offset: 2, column: 3, expected: ["'and'", "'or'"] },
    { query: 'f:a b:c', offset: 4, column: 5, expected: ["'and'", "'or'"] },
    { query: 'a b > 5', offset: 2, column: 3, expected: ["'and'", "'or'"] },
    { query: 'x >= 5 6 > 2', offset: 7, column: 8, expected: ["'and'", "'or'"] },
    { query: 'a:b:c', offset: 3, column: 4, expected: AFTER_TOP },
    { query: 'source.ip:fe80::1', offset: 14, column: 15, expected: AFTER_TOP },
    { query: 'a:b }', offset: 4, column: 5, expected: AFTER_TOP },
    { query: 'f:(a):b', offset: 5, column: 6, expected: AFTER_TOP },
    // quotes and escapes
    { query: '"abc', offset: 0, column: 1, expected: ["'\"'"] },
    { query: 'f:"abc', offset: 2, column: 3, expected: ["'\"'"] },
    { query: 'a and f:"x\\"', offset: 8, column: 9, expected: ["'\"'"] },
    { query: 'a\\', offset: 1, column: 2, expected: ESCAPE },
    { query: 'a\\q', offset: 1, column: 2, expected: ESCAPE },
    { query: 'f:\\u12', offset: 2, column: 3, expected: ESCAPE },
    { query: 'f:x\\ y', offset: 3, column: 4, expected: ESCAPE },
    // lines and columns
    { query: 'a and\n  b:', offset: 10, line: 2, column: 5, expected: ['value', "'('"] },
    { query: 'a\r\nand\r\n(b', offset: 8, line: 3, column: 1, expected: ["')'"] },
    { query: 'a\rand\r\r(b', offset: 7, line: 4, column: 1, expected: ["')'"] },
    { query: '"😀" and f:', offset: 11, column: 11, expected: ['value', "'('"] },
    { query: 'user:Jürgen\tand 😀😀 "x', offset: 21, column: 20, expected: ["'\"'"] },
    // valid KQL this platform refuses
    { query: 'f:{a:b}', offset: 2, column: 3, expected: [], code: 'SIEM_QUERY_UNSUPPORTED' },
    {
      query: 'a or items : { x:1 }',
      offset: 13,
      column: 14,
      expected: [],
      code: 'SIEM_QUERY_UNSUPPORTED',
    },
    { query: '* > 5', offset: 0, column: 1, expected: [], code: 'SIEM_QUERY_UNSUPPORTED' },
    {
      query: `${'('.repeat(101)}a${')'.repeat(101)}`,
      offset: 100,
      column: 101,
      expected: [],
      code: 'SIEM_QUERY_UNSUPPORTED',
    },
    {
      query: `${'not '.repeat(101)}a`,
      offset: 400,
      column: 401,
      expected: [],
      code: 'SIEM_QUERY_UNSUPPORTED',
    },
    {
      query: `f:${'('.repeat(101)}a${')'.repeat(101)}`,
      offset: 102,
      column: 103,
      expected: [],
      code: 'SIEM_QUERY_UNSUPPORTED',
    },
  ])('$query', ({ query, offset, line = 1, column, expected, code = 'SIEM_QUERY_SYNTAX' }) => {
    const error = parseError(query);
    expect(isSecOpsError(error)).toBe(true);
    expect(error).toMatchObject({ code, details: { offset, line, column, expected } });
    expect((error as Error).message).toMatch(
      new RegExp(`^(syntax error|unsupported query) at line ${line}, column ${column}: `),
    );
  });

  it('words messages as the reader needs them', () => {
    expect(parseError('host.name:')).toMatchObject({
      message: "syntax error at line 1, column 11: expected a value after ':'",
    });
    expect(parseError('f:and')).toMatchObject({
      message: expect.stringContaining("found the keyword 'and' (write '\\and' or quote it"),
    });
    expect(parseError('a:b:c')).toMatchObject({
      message: expect.stringContaining("escape a literal ':'"),
    });
    expect(parseError('(a')).toMatchObject({ message: expect.stringContaining("unclosed '('") });
    expect(parseError('"a')).toMatchObject({
      message: expect.stringContaining('unterminated quoted string'),
    });
    expect(parseError('a b:c')).toMatchObject({
      message: expect.stringContaining("before the field 'b'"),
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { KqlField, KqlNode, KqlPatternPart, KqlValue } from './index.ts';
import { parseKql } from './index.ts';

// Small builders keep the expectation tables readable.
const name = (n: string): KqlField => ({ kind: 'name', name: n });
const text = (t: string): KqlPatternPart => ({ kind: 'text', text: t });
const any: KqlPatternPart = { kind: 'any' };
const term = (t: string): KqlValue => ({ kind: 'term', text: t });
const phrase = (t: string): KqlValue => ({ kind: 'phrase', text: t });
const wild = (...parts: KqlPatternPart[]): KqlValue => ({ kind: 'wildcard', parts });
const m = (field: string | KqlField | null, value: KqlValue | string): KqlNode => ({
  type: 'match',
  field: typeof field === 'string' ? name(field) : field,
  value: typeof value === 'string' ? term(value) : value,
});
const free = (value: KqlValue | string): KqlNode => m(null, value);
const and = (...children: KqlNode[]): KqlNode => ({ type: 'and', children });
const or = (...children: KqlNode[]): KqlNode => ({ type: 'or', children });
const not = (child: KqlNode): KqlNode => ({ type: 'not', child });
const MATCH_ALL: KqlNode = { type: 'match_all' };

describe('parseKql: constructs', () => {
  it.each<[string, KqlNode]>([
    ['', MATCH_ALL],
    ['   \t\r\n\u00a0 ', MATCH_ALL],
    ['*', MATCH_ALL],
    ['*:*', MATCH_ALL],
    ['host.name:web-01', m('host.name', 'web-01')],
    ['host.name : web-01', m('host.name', 'web-01')],
    ['event.code:4624', m('event.code', '4624')],
    ['process.name:"lsass.exe"', m('process.name', phrase('lsass.exe'))],
    ['message:"a * b"', m('message', phrase('a * b'))],
    ['message:""', m('message', phrase(''))],
    ['message:hello world', m('message', 'hello world')],
    ['message:hello   world', m('message', 'hello   world')],
    ['user.name:*', { type: 'exists', field: name('user.name') }],
    ['user.name:**', { type: 'exists', field: name('user.name') }],
    ['host.name:web-*', m('host.name', wild(text('web-'), any))],
    ['process.name:*.exe', m('process.name', wild(any, text('.exe')))],
    ['file.path:*\\\\temp\\\\*', m('file.path', wild(any, text('\\temp\\'), any))],
    ['a:x**y', m('a', wild(text('x'), any, text('y')))],
    ['a:x? y', m('a', 'x? y')],
    [
      'winlog.event_data.*:bob',
      m({ kind: 'wildcard', parts: [text('winlog.event_data.'), any] }, 'bob'),
    ],
    ['winlog.*:*', { type: 'exists', field: { kind: 'wildcard', parts: [text('winlog.'), any] } }],
    ['"user name":bob', m('user name', 'bob')],
    ['"a*b":c', m('a*b', 'c')],
    ['a\\*b:c', m('a*b', 'c')],
    ['*:bob', free('bob')],
    ['*:"a b"', free(phrase('a b'))],
    ['mimikatz', free('mimikatz')],
    ['"lsass.exe"', free(phrase('lsass.exe'))],
    ['a b', free('a b')],
    ['mimi*', free(wild(text('mimi'), any))],
    ['bytes > 5', { type: 'range', field: name('bytes'), op: 'gt', value: 5 }],
    ['bytes>=5', { type: 'range', field: name('bytes'), op: 'gte', value: 5 }],
    ['bytes < -2.5', { type: 'range', field: name('bytes'), op: 'lt', value: -2.5 }],
    ['bytes <= 1e3', { type: 'range', field: name('bytes'), op: 'lte', value: 1000 }],
    ['bytes <= -0', { type: 'range', field: name('bytes'), op: 'lte', value: 0 }],
    ['bytes > 007', { type: 'range', field: name('bytes'), op: 'gt', value: '007' }],
    [
      'id > 12345678901234567890',
      { type: 'range', field: name('id'), op: 'gt', value: '12345678901234567890' },
    ],
    ['bytes > "5"', { type: 'range', field: name('bytes'), op: 'gt', value: '5' }],
    [
      '@timestamp >= 2024-01-01',
      { type: 'range', field: name('@timestamp'), op: 'gte', value: '2024-01-01' },
    ],
    [
      '@timestamp < "2024-01-01T10:00:00Z"',
      { type: 'range', field: name('@timestamp'), op: 'lt', value: '2024-01-01T10:00:00Z' },
    ],
    [
      '@timestamp > now-1d',
      { type: 'range', field: name('@timestamp'), op: 'gt', value: 'now-1d' },
    ],
    [
      'a.*.b > 3',
      {
        type: 'range',
        field: { kind: 'wildcard', parts: [text('a.'), any, text('.b')] },
        op: 'gt',
        value: 3,
      },
    ],
    ["user.name:o'brien", m('user.name', "o'brien")],
    ['url.original:/a?b=c&d=[1]', m('url.original', '/a?b=c&d=[1]')],
  ])('%j', (query, expected) => {
    expect(parseKql(query)).toEqual(expected);
  });
});

describe('parseKql: boolean logic and precedence', () => {
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((x) => free(x)) as [
    KqlNode,
    KqlNode,
    KqlNode,
    KqlNode,
  ];
  it.each<[string, KqlNode]>([
    ['a and b', and(a, b)],
    ['a AND b', and(a, b)],
    ['a And b and c', and(a, b, c)],
    ['a or b', or(a, b)],
    ['a OR b or c', or(a, b, c)],
    ['not a', not(a)],
    ['NOT a', not(a)],
    ['not(a)', not(a)],
    ['not not a', not(not(a))],
    ['a or b and c', or(a, and(b, c))],
    ['a and b or c', or(and(a, b), c)],
    ['not a and b', and(not(a), b)],
    ['not a or b', or(not(a), b)],
    ['a or not b and c', or(a, and(not(b), c))],
    ['not (a or b)', not(or(a, b))],
    ['(a or b) and c', and(or(a, b), c)],
    ['a and (b and c)', and(a, b, c)],
    ['(a and b) and (c and d)', and(a, b, c, d)],
    ['(a or b) or (c or d)', or(a, b, c, d)],
    ['((a))', a],
    ['(a)or(b)', or(a, b)],
    ['a or(b)', or(a, b)],
    ['a or b and c or d', or(a, and(b, c), d)],
    ['not a and not b', and(not(a), not(b))],
    ['a\nand\nb', and(a, b)],
    ['a \u00a0and\tb', and(a, b)],
    ['hello and goodbye world', and(free('hello'), free('goodbye world'))],
  ])('%j', (query, expected) => {
    expect(parseKql(query)).toEqual(expected);
  });

  it('treats words that merely contain a keyword as text', () => {
    expect(parseKql('cannot or android and orange')).toEqual(
      or(free('cannot'), and(free('android'), free('orange'))),
    );
    expect(parseKql('message:notepad')).toEqual(m('message', 'notepad'));
  });
});

describe('parseKql: value lists', () => {
  const f = (v: string): KqlNode => m('f', v);
  it.each<[string, KqlNode]>([
    ['f:(a)', f('a')],
    ['f:(a or b)', or(f('a'), f('b'))],
    ['f:(a or b and c)', or(f('a'), and(f('b'), f('c')))],
    ['f:(a and b or c)', or(and(f('a'), f('b')), f('c'))],
    ['f:(not a)', not(f('a'))],
    ['f:(a and not b)', and(f('a'), not(f('b')))],
    ['f:((a or b) and c)', and(or(f('a'), f('b')), f('c'))],
    ['f:(a or (b or c))', or(f('a'), f('b'), f('c'))],
    ['f:(a or b) or c', or(f('a'), f('b'), free('c'))],
    ['f:(a or b) and g:(c or d)', and(or(f('a'), f('b')), or(m('g', 'c'), m('g', 'd')))],
    ['f:("a b" or c*)', or(m('f', phrase('a b')), m('f', wild(text('c'), any)))],
    ['f:(hello world or x)', or(f('hello world'), f('x'))],
    ['f:(* or a)', or({ type: 'exists', field: name('f') }, f('a'))],
    ['*:(a or b)', or(free('a'), free('b'))],
    ['not f:(a or b)', not(or(f('a'), f('b')))],
  ])('%j', (query, expected) => {
    expect(parseKql(query)).toEqual(expected);
  });
});

describe('parseKql: escapes', () => {
  it.each<[string, KqlNode]>([
    ['a\\:b', free('a:b')],
    ['f:\\(x\\)', m('f', '(x)')],
    ['f:a\\\\b', m('f', 'a\\b')],
    ['f:\\"x\\"', m('f', '"x"')],
    ['f:a\\*', m('f', 'a*')],
    ['f:\\<\\>\\{\\}', m('f', '<>{}')],
    ['f:a\\tb\\rc\\nd', m('f', 'a\tb\rc\nd')],
    ['f:\\u0041\\u00e9', m('f', 'Aé')],
    ['\\and', free('and')],
    ['\\AND', free('AND')],
    ['\\or', free('or')],
    ['\\not', free('not')],
    ['\\NOT', free('NOT')],
    ['\\not:x', m('not', 'x')],
    ['\\nothing', free('\nothing')],
    ['\\order', free('order')],
    ['a \\and b', free('a and b')],
    ['f:"a\\"b"', m('f', phrase('a"b'))],
    ['f:"a\\\\b"', m('f', phrase('a\\b'))],
    ['f:"C:\\Windows\\System32"', m('f', phrase('C:\\Windows\\System32'))],
    ['f:"a\\tb\\u0041"', m('f', phrase('a\tbA'))],
    ['f:"a\\u12"', m('f', phrase('a\\u12'))],
    ['f:"a:b (c) {d} <e> and or not"', m('f', phrase('a:b (c) {d} <e> and or not'))],
    ['f:"line1\nline2"', m('f', phrase('line1\nline2'))],
  ])('%j', (query, expected) => {
    expect(parseKql(query)).toEqual(expected);
  });
});

describe('parseKql: unicode and size', () => {
  it('keeps unicode text as written', () => {
    expect(parseKql('user.name:Jürgen and 主机:服务器 and emoji:😀*')).toEqual(
      and(m('user.name', 'Jürgen'), m('主机', '服务器'), m('emoji', wild(text('😀'), any))),
    );
  });

  it('parses a 100,000-term query in one flat node', () => {
    const query = Array.from({ length: 100_000 }, (_, i) => `f:v${i}`).join(' or ');
    const node = parseKql(query);
    expect(node.type).toBe('or');
    expect(node.type === 'or' && node.children.length).toBe(100_000);
  });

  it('parses a megabyte-long value', () => {
    const long = 'x'.repeat(1_000_000);
    expect(parseKql(`f:${long}*`)).toEqual(m('f', wild(text(long), any)));
  });

  it('accepts nesting up to the depth limit', () => {
    const query = `${'('.repeat(100)}a${')'.repeat(100)}`;
    expect(parseKql(query)).toEqual(free('a'));
    expect(parseKql(`${'not '.repeat(100)}a`).type).toBe('not');
  });
});

describe('parseKql: spans', () => {
  it('records source ranges only when asked', () => {
    expect(parseKql('a:b')).not.toHaveProperty('span');
    expect(parseKql('a:b and not (c or d:(e or f))', { spans: true })).toEqual({
      type: 'and',
      span: { start: 0, end: 29 },
      children: [
        { ...m('a', 'b'), span: { start: 0, end: 3 } },
        {
          type: 'not',
          span: { start: 8, end: 29 },
          child: {
            type: 'or',
            span: { start: 13, end: 28 },
            children: [
              { ...free('c'), span: { start: 13, end: 14 } },
              { ...m('d', 'e'), span: { start: 21, end: 22 } },
              { ...m('d', 'f'), span: { start: 26, end: 27 } },
            ],
          },
        },
      ],
    });
  });

  it('covers the field and the parentheses of a value list', () => {
    expect(parseKql('f:(a or b)', { spans: true })).toMatchObject({
      type: 'or',
      span: { start: 0, end: 10 },
    });
    expect(parseKql(' ', { spans: true })).toEqual({
      type: 'match_all',
      span: { start: 0, end: 1 },
    });
    expect(parseKql('x >= 5', { spans: true })).toMatchObject({ span: { start: 0, end: 6 } });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KqlField, KqlNode, KqlPatternPart, KqlRangeOp, KqlValue } from './index.ts';
import { formatKql, parseKql } from './index.ts';

describe('formatKql', () => {
  it.each<[string, string]>([
    ['', '*'],
    ['*:*', '*'],
    ['A  AND  b', 'A and b'],
    ['a or b and c', 'a or b and c'],
    ['(a or b) and c', '(a or b) and c'],
    ['not (a and b)', 'not (a and b)'],
    ['NOT NOT a', 'not not a'],
    ['f:(a or b and not c)', 'f:a or f:b and not f:c'],
    ['f : "x\\"y"', 'f:"x\\"y"'],
    ['f:"C:\\Windows"', 'f:"C:\\\\Windows"'],
    ['f:*', 'f:*'],
    ['f:a\\:b*', 'f:a\\:b*'],
    ['"user name":bob', '"user name":bob'],
    ['\\and:\\or x \\not', '\\and:\\or x \\not'],
    ['f:\\u0020a\\u0020', 'f:\\u0020a\\u0020'],
    ['f:a\\tb', 'f:a\\tb'],
    ['f:\\n\\u006fne', 'f:\\u000aone'],
    ['x>=5', 'x >= 5'],
    ['x < now-1d', 'x < "now-1d"'],
    ['id > 12345678901234567890', 'id > "12345678901234567890"'],
    ['winlog.event_data.*:bob', 'winlog.event_data.*:bob'],
  ])('%j prints as %j', (query, expected) => {
    expect(formatKql(parseKql(query))).toBe(expected);
  });

  it('prints numbers that parse back to themselves', () => {
    for (const value of [0, -1.5, 1e21, 5e-324, 2 ** 53 + 2, -(2 ** 60), 0.1 + 0.2]) {
      const node: KqlNode = { type: 'range', field: { kind: 'name', name: 'n' }, op: 'gt', value };
      expect(parseKql(formatKql(node))).toEqual(node);
    }
  });

  it('parenthesises hand-built trees that parsing would have flattened', () => {
    const a: KqlNode = { type: 'match', field: null, value: { kind: 'term', text: 'a' } };
    const nested: KqlNode = { type: 'and', children: [a, { type: 'and', children: [a, a] }] };
    expect(formatKql(nested)).toBe('a and (a and a)');
    expect(formatKql({ type: 'and', children: [] })).toBe('*');
    expect(formatKql({ type: 'or', children: [a] })).toBe('a');
  });
});

// --- generators of canonical trees (the invariants parseKql documents) ------------------------

const tricky = fc.constantFrom(
  'a',
  'Z',
  '0',
  '5',
  '-',
  '.',
  '@',
  "'",
  '?',
  '/',
  '=',
  ',',
  '[',
  ']',
  '!',
  '&',
  '|',
  '~',
  '^',
  '+',
  ' ',
  '  ',
  '\t',
  '\r',
  '\n',
  '\r\n',
  '\u00a0',
  '\u2028',
  '\u0000',
  '\u007f',
  '\\',
  '"',
  '*',
  ':',
  '(',
  ')',
  '{',
  '}',
  '<',
  '>',
  '<=',
  '>=',
  'and',
  'or',
  'not',
  'AND',
  'Or',
  'nOt',
  'ot',
  'OT',
  'n',
  'u0041',
  'order',
  'android',
  'é',
  'ß',
  '主机',
  '😀',
  '\ud800',
  '\udfff',
);
const textArb = fc
  .array(fc.oneof(tricky, fc.string({ maxLength: 3 })), { maxLength: 6 })
  .map((xs) => xs.join(''));
const nonEmptyText = textArb.filter((t) => t !== '');

const patternArb: fc.Arbitrary<KqlPatternPart[]> = fc
  .tuple(fc.array(nonEmptyText, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean())
  .filter(([texts, lead, trail]) => texts.length > 1 || lead || trail)
  .map(([texts, lead, trail]) => {
    const parts: KqlPatternPart[] = lead ? [{ kind: 'any' }] : [];
    texts.forEach((text, i) => {
      if (i > 0) parts.push({ kind: 'any' });
      parts.push({ kind: 'text', text });
    });
    if (trail) parts.push({ kind: 'any' });
    return parts;
  });

const fieldArb: fc.Arbitrary<KqlField> = fc.oneof(
  { weight: 3, arbitrary: nonEmptyText.map((name) => ({ kind: 'name' as const, name })) },
  { weight: 1, arbitrary: patternArb.map((parts) => ({ kind: 'wildcard' as const, parts })) },
);

const valueArb: fc.Arbitrary<KqlValue> = fc.oneof(
  nonEmptyText.map((text) => ({ kind: 'term' as const, text })),
  textArb.map((text) => ({ kind: 'phrase' as const, text })),
  patternArb.map((parts) => ({ kind: 'wildcard' as const, parts })),
);

const numberArb = fc
  .oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(2 ** 60))
  .map((n) => (Object.is(n, -0) ? 0 : n));

const leafArb: fc.Arbitrary<KqlNode> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('match' as const),
      field: fc.option(fieldArb),
      value: valueArb,
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('exists' as const), field: fieldArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('range' as const),
      field: fieldArb,
      op: fc.constantFrom<KqlRangeOp>('gt', 'gte', 'lt', 'lte'),
      value: fc.oneof(numberArb, textArb),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ type: 'match_all' as const }) },
);

/** Canonical trees: and/or never directly contain their own type (wrapped in `not` instead). */
const { node: nodeArb } = fc.letrec<{ node: KqlNode }>((tie) => {
  const children = (type: 'and' | 'or') =>
    fc
      .array(tie('node'), { minLength: 2, maxLength: 4 })
      .map((cs) => cs.map((c): KqlNode => (c.type === type ? { type: 'not', child: c } : c)));
  return {
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leafArb,
      children('and').map((cs): KqlNode => ({ type: 'and', children: cs })),
      children('or').map((cs): KqlNode => ({ type: 'or', children: cs })),
      tie('node').map((child): KqlNode => ({ type: 'not', child })),
    ),
  };
});

describe('formatKql round trip', () => {
  it('parse(format(tree)) deep-equals every canonical tree', () => {
    fc.assert(
      fc.property(nodeArb, (tree) => {
        expect(parseKql(formatKql(tree))).toEqual(tree);
      }),
      { numRuns: 2000 },
    );
  });

  it('parse(format(parse(q))) deep-equals parse(q) for queries built from trees', () => {
    fc.assert(
      fc.property(nodeArb, (tree) => {
        const query = formatKql(tree);
        const parsed = parseKql(query);
        expect(parseKql(formatKql(parsed))).toEqual(parsed);
        expect(formatKql(parsed)).toBe(query);
      }),
      { numRuns: 500 },
    );
  });
});

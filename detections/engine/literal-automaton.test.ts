import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLiteralAutomaton } from './literal-automaton.ts';

function found(literals: string[], text: string): number[] {
  const ids = new Set<number>();
  buildLiteralAutomaton(literals).scan(text, (id) => ids.add(id));
  return [...ids].sort((a, b) => a - b);
}

describe('literal automaton', () => {
  it('finds every literal, overlapping and nested ones included', () => {
    expect(found(['he', 'she', 'his', 'hers'], 'ushers')).toEqual([0, 1, 3]);
    expect(found(['abc', 'bc', 'c', 'x'], 'zabcz')).toEqual([0, 1, 2]);
    expect(found(['\\cmd.exe', 'cmd'], 'c:\\windows\\cmd.exe')).toEqual([0, 1]);
  });

  it('ignores empty literals and finds nothing in empty text', () => {
    expect(found(['', 'a'], 'a')).toEqual([1]);
    expect(found(['a'], '')).toEqual([]);
  });

  it('never misses a literal that occurs, non-ASCII text included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 20 }),
        fc.string({ maxLength: 80 }),
        (literals, text) => {
          const hits = found(literals, text);
          literals.forEach((literal, id) => {
            if (text.includes(literal)) expect(hits).toContain(id);
          });
        },
      ),
    );
  });

  it('is exact on ASCII text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 10,
        }),
        fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 40 }),
        (literals, text) => {
          const expected = literals.flatMap((l, id) => (text.includes(l) ? [id] : []));
          expect(found(literals, text)).toEqual(expected);
        },
      ),
    );
  });
});

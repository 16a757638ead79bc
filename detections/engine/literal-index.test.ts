import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLiteralIndex } from './literal-index.ts';

function found(literals: string[], text: string): number[] {
  const ids = new Set<number>();
  buildLiteralIndex(literals).scan(text, (id) => ids.add(id));
  return [...ids].sort((a, b) => a - b);
}

describe('literal index', () => {
  it('finds every literal case-insensitively, overlapping ones included', () => {
    expect(found(['she', 'hers', 'his'], 'USHERS')).toEqual([0, 1]);
    expect(found(['\\cmd.exe', 'cmd', 'exe'], 'C:\\Windows\\CMD.EXE')).toEqual([0, 1, 2]);
    expect(found(['abc'], 'ab')).toEqual([]);
  });

  it('lowercases outside ASCII as the matchers do', () => {
    // KELVIN SIGN lowercases to an ASCII k.
    expect(found(['kit'], '\u212AIT')).toEqual([0]);
    expect(found(['ärger'], 'ÄRGER')).toEqual([0]);
    expect(found(['été'], 'ÉTÉ')).toEqual([0]);
  });

  it('rejects literals it cannot anchor', () => {
    expect(() => buildLiteralIndex(['ab'])).toThrow(RangeError);
  });

  it('finds exactly the literals that occur (property)', () => {
    const char = fc.constantFrom('a', 'b', 'c', 'A', 'B', '\\', '.', 'é', 'É');
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: char, minLength: 3, maxLength: 6 }), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.string({ unit: char, maxLength: 60 }),
        (raw, text) => {
          const literals = raw.map((l) => l.toLowerCase());
          const lowered = text.toLowerCase();
          const expected = literals.flatMap((l, id) => (lowered.includes(l) ? [id] : []));
          expect(found(literals, text)).toEqual(expected);
        },
      ),
    );
  });
});

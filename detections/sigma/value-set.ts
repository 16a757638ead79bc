import type { ValueTest } from './detection-tree.ts';

/**
 * Long lists of plain values (`CommandLine|contains: [200 emoji]`, `Image|endswith: [80 paths]`)
 * tested one by one cost a pass over the value per entry. Merged, a list costs about one pass:
 * entries are indexed by the character they start (or, for `endswith`, end) with, and only the
 * entries of characters that occur are compared.
 */
export type PlainShape = 'equals' | 'contains' | 'startswith' | 'endswith';

/** A case-insensitive test of one plain value: its shape and its lowercased text. */
export interface PlainValue {
  readonly shape: PlainShape;
  readonly text: string;
}

/** Fewer entries than this are tested one by one: merging would not pay. */
export const MERGE_AT = 4;

export function mergePlainValues(
  plains: readonly PlainValue[],
  literals: readonly string[] | null,
): ValueTest {
  const equals = new Set<string>();
  const contains = new CharIndex();
  const starts = new CharIndex();
  const ends = new CharIndex();
  for (const { shape, text } of plains) {
    if (shape === 'equals') equals.add(text);
    else if (text === '')
      return {
        test: (v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean',
        literals: null,
      };
    else if (shape === 'contains') contains.add(text.charCodeAt(0), text);
    else if (shape === 'startswith') starts.add(text.charCodeAt(0), text);
    else ends.add(text.charCodeAt(text.length - 1), text);
  }
  const matches = (v: string): boolean => {
    if (equals.has(v)) return true;
    if (v.length === 0) return false;
    for (const t of starts.at(v.charCodeAt(0))) if (v.startsWith(t)) return true;
    for (const t of ends.at(v.charCodeAt(v.length - 1))) if (v.endsWith(t)) return true;
    if (!contains.empty) {
      for (let i = 0; i < v.length; i++) {
        const code = v.charCodeAt(i);
        if (!contains.mayHave(code)) continue;
        for (const t of contains.at(code)) if (v.startsWith(t, i)) return true;
      }
    }
    return false;
  };
  return {
    test: (v, context) => {
      if (typeof v === 'string') return matches(context.lower(v));
      if (typeof v === 'number' || typeof v === 'boolean') return matches(String(v).toLowerCase());
      return false;
    },
    literals,
  };
}

const NONE: readonly string[] = [];

/** Texts by a character code, with a 1,024-bit filter in front of the map. */
class CharIndex {
  private readonly map = new Map<number, string[]>();
  private readonly filter = new Uint32Array(32);
  empty = true;

  add(code: number, text: string): void {
    const list = this.map.get(code);
    if (list) list.push(text);
    else this.map.set(code, [text]);
    const bit = code & 1023;
    this.filter[bit >>> 5] = (this.filter[bit >>> 5] ?? 0) | (1 << (bit & 31));
    this.empty = false;
  }

  mayHave(code: number): boolean {
    const bit = code & 1023;
    return ((this.filter[bit >>> 5] ?? 0) & (1 << (bit & 31))) !== 0;
  }

  at(code: number): readonly string[] {
    return this.empty ? NONE : (this.map.get(code) ?? NONE);
  }
}

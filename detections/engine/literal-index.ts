/**
 * Finds which of many lowercased literals occur in a string, case-insensitively, in one pass.
 *
 * Each literal is anchored on its rarest trigram (rarest among all literals). A 2^21-bit set says
 * whether a trigram anchors anything (256 KiB: it stays in cache, unlike a dense automaton over
 * tens of thousands of literals); on a hit, the literals anchored there are verified in place.
 * Characters fold to 128 classes (ASCII, and one class for everything else), which can only add
 * anchor hits, and verification is exact, so the answer is exactly the literals that occur.
 */
export interface LiteralIndex {
  /** Calls `found` with the id of every literal occurring in `text` (duplicates possible). */
  scan(text: string, found: (id: number) => void): void;
  readonly anchors: number;
}

const OTHER = 127;
const GRAM_BITS = 21;
const GRAM_MASK = (1 << GRAM_BITS) - 1;

interface Anchor {
  readonly id: number;
  readonly literal: string;
  /** Position of the anchor trigram inside the literal. */
  readonly offset: number;
}

function classOf(code: number): number {
  return code < OTHER ? code : OTHER;
}

function gramAt(text: string, at: number): number {
  return (
    (classOf(text.charCodeAt(at)) << 14) |
    (classOf(text.charCodeAt(at + 1)) << 7) |
    classOf(text.charCodeAt(at + 2))
  );
}

/**
 * `literals[i]` gets id `i`. Literals must be lowercased (`toLowerCase`) and at least three
 * characters long; shorter ones are rejected, since they cannot be anchored.
 */
export function buildLiteralIndex(literals: readonly string[]): LiteralIndex {
  const frequency = new Map<number, number>();
  for (const literal of literals) {
    if (literal.length < 3)
      throw new RangeError(`literal '${literal}' is shorter than 3 characters`);
    const seen = new Set<number>();
    for (let at = 0; at + 3 <= literal.length; at++) seen.add(gramAt(literal, at));
    for (const gram of seen) frequency.set(gram, (frequency.get(gram) ?? 0) + 1);
  }
  const byGram = new Map<number, Anchor[]>();
  literals.forEach((literal, id) => {
    let best = 0;
    let bestCount = Infinity;
    for (let at = 0; at + 3 <= literal.length; at++) {
      const count = frequency.get(gramAt(literal, at)) ?? 0;
      if (count < bestCount) {
        best = at;
        bestCount = count;
      }
    }
    const gram = gramAt(literal, best);
    const list = byGram.get(gram) ?? [];
    list.push({ id, literal, offset: best });
    byGram.set(gram, list);
  });
  const bits = new Uint32Array((GRAM_MASK + 1) >>> 5);
  for (const gram of byGram.keys()) bits[gram >>> 5] = (bits[gram >>> 5] ?? 0) | (1 << (gram & 31));

  return {
    anchors: byGram.size,
    scan(text, found) {
      let subject = text;
      let lowered = false;
      let gram = 0;
      for (let i = 0; i < subject.length; i++) {
        let code = subject.charCodeAt(i);
        if (code >= 65 && code <= 90) code |= 32;
        else if (code >= 128 && !lowered) {
          // Outside ASCII, lowercasing is not a per-character fold: use the language's own,
          // as the matchers do, and start over on the lowercased text.
          subject = text.toLowerCase();
          lowered = true;
          gram = 0;
          i = -1;
          continue;
        }
        gram = ((gram << 7) | (code < OTHER ? code : OTHER)) & GRAM_MASK;
        if (i < 2 || ((bits[gram >>> 5] ?? 0) & (1 << (gram & 31))) === 0) continue;
        const anchored = byGram.get(gram);
        if (anchored === undefined) continue;
        for (const anchor of anchored) {
          const start = i - 2 - anchor.offset;
          if (start >= 0 && occursAt(subject, start, anchor.literal)) found(anchor.id);
        }
      }
    },
  };
}

/** Does `literal` occur in `text` at `start`, ASCII letters of `text` folded to lowercase? */
function occursAt(text: string, start: number, literal: string): boolean {
  if (start + literal.length > text.length) return false;
  for (let j = 0; j < literal.length; j++) {
    let code = text.charCodeAt(start + j);
    if (code >= 65 && code <= 90) code |= 32;
    if (code !== literal.charCodeAt(j)) return false;
  }
  return true;
}

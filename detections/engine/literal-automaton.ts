/**
 * An Aho–Corasick automaton over lowercased literals, compiled to a dense transition table over
 * 128 character classes (ASCII, and one class for everything else). Sharing a class only ever adds
 * matches, never loses one, which is all a prefilter needs: one pass over an event's text finds
 * every literal it holds, whatever the number of literals.
 */
export interface LiteralAutomaton {
  /** Calls `found` with the id of every literal that occurs in `text` (duplicates possible). */
  scan(text: string, found: (id: number) => void): void;
  readonly states: number;
}

const CLASSES = 128;
const OTHER = 127;

function classOf(code: number): number {
  return code < OTHER ? code : OTHER;
}

interface TrieNode {
  readonly next: Map<number, number>;
  readonly ids: number[];
}

/** `literals[i]` gets id `i`; empty literals are ignored (they prove nothing). */
export function buildLiteralAutomaton(literals: readonly string[]): LiteralAutomaton {
  const trie: TrieNode[] = [{ next: new Map<number, number>(), ids: [] }];
  const nodeAt = (state: number): TrieNode => trie[state] ?? { next: new Map(), ids: [] };
  literals.forEach((literal, id) => {
    let state = 0;
    for (const char of literal) {
      for (let i = 0; i < char.length; i++) {
        const c = classOf(char.charCodeAt(i));
        const node = nodeAt(state);
        let next = node.next.get(c);
        if (next === undefined) {
          next = trie.length;
          trie.push({ next: new Map<number, number>(), ids: [] });
          node.next.set(c, next);
        }
        state = next;
      }
    }
    if (state !== 0) nodeAt(state).ids.push(id);
  });
  const states = trie.length;
  const delta = new Int32Array(states * CLASSES);
  const fail = new Int32Array(states);
  // The nearest state on the failure chain that ends a literal (-1: none).
  const outputLink = new Int32Array(states).fill(-1);
  // Breadth-first: a state's failure target is complete before the state itself is visited.
  const queue: number[] = [];
  for (const [c, next] of nodeAt(0).next) {
    delta[c] = next;
    queue.push(next);
  }
  for (const state of queue) {
    const f = fail[state] ?? 0;
    outputLink[state] = nodeAt(f).ids.length > 0 ? f : (outputLink[f] ?? -1);
    const node = nodeAt(state);
    const row = state * CLASSES;
    const failRow = f * CLASSES;
    for (let c = 0; c < CLASSES; c++) {
      const next = node.next.get(c);
      if (next === undefined) {
        delta[row + c] = delta[failRow + c] ?? 0;
      } else {
        delta[row + c] = next;
        fail[next] = delta[failRow + c] ?? 0;
        queue.push(next);
      }
    }
  }
  const outputs = trie.map((node) =>
    node.ids.length === 0 ? undefined : Int32Array.from(node.ids),
  );
  const hasOutput = new Uint8Array(states);
  for (let s = 0; s < states; s++) {
    if (outputs[s] !== undefined || (outputLink[s] ?? -1) >= 0) hasOutput[s] = 1;
  }
  return {
    states,
    scan(text, found) {
      let state = 0;
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        state = delta[state * CLASSES + (code < OTHER ? code : OTHER)] ?? 0;
        if (hasOutput[state] === 1) {
          for (let s = state; s >= 0; s = outputLink[s] ?? -1) {
            const ids = outputs[s];
            if (ids) for (const id of ids) found(id);
          }
        }
      }
    },
  };
}

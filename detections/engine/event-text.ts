/**
 * The values of an event as text: every string, number and boolean leaf, for keyword searches
 * and the literal prefilter.
 */
export function eventLeaves(doc: unknown): string[] {
  const leaves: string[] = [];
  visitLeaves(doc, (leaf) => leaves.push(leaf));
  return leaves;
}

const MAX_DEPTH = 64;

/** Calls `visit` with each leaf of `doc` as text, in document order. */
export function visitLeaves(doc: unknown, visit: (leaf: string) => void): void {
  walk(doc, visit, 0);
}

function walk(node: unknown, visit: (leaf: string) => void, depth: number): void {
  if (typeof node === 'string') {
    visit(node);
    return;
  }
  if (typeof node === 'number' || typeof node === 'boolean') {
    visit(String(node));
    return;
  }
  if (typeof node !== 'object' || node === null || depth > MAX_DEPTH) return;
  if (Array.isArray(node)) {
    for (const element of node) walk(element, visit, depth + 1);
    return;
  }
  for (const key in node) {
    if (Object.hasOwn(node, key)) walk((node as Record<string, unknown>)[key], visit, depth + 1);
  }
}

/**
 * The values of an event as text: every string, number and boolean leaf, for keyword searches
 * (`leaves`, as written) and for the literal prefilter (`lowered`, one lowercased text).
 */
export interface EventText {
  readonly leaves: readonly string[];
  readonly lowered: string;
}

export function eventText(doc: unknown): EventText {
  const leaves: string[] = [];
  collect(doc, leaves, 0);
  // Joining can only add prefilter hits (a literal spanning two values), never lose one.
  return { leaves, lowered: leaves.join('\n').toLowerCase() };
}

const MAX_DEPTH = 64;

function collect(node: unknown, out: string[], depth: number): void {
  if (typeof node === 'string') {
    out.push(node);
    return;
  }
  if (typeof node === 'number' || typeof node === 'boolean') {
    out.push(String(node));
    return;
  }
  if (typeof node !== 'object' || node === null || depth > MAX_DEPTH) return;
  if (Array.isArray(node)) {
    for (const element of node) collect(element, out, depth + 1);
    return;
  }
  for (const key in node) {
    if (Object.hasOwn(node, key)) collect((node as Record<string, unknown>)[key], out, depth + 1);
  }
}

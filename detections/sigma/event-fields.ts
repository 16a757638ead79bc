/**
 * Reading fields of an event document (ECS JSON) by dotted path, the way Elasticsearch reads
 * them: `process.executable` finds `{process: {executable}}`, a flat `{"process.executable"}`
 * key, or any mix of the two (`{process: {"pe.imphash": …}}`).
 */

/** A compiled dotted path: the segments, and the path itself for flat-key lookups. */
export interface FieldPath {
  readonly path: string;
  readonly segments: readonly string[];
}

export function toFieldPath(path: string): FieldPath {
  return { path, segments: path.split('.') };
}

/** Marks "no such field", distinct from a field whose value is `null`. */
export const MISSING: unique symbol = Symbol('missing');
export type Missing = typeof MISSING;

/**
 * The value at `path`, or `MISSING`. Arrays of objects on the way are searched element by
 * element and the values found are returned as an array (ECS `threat.technique.id` and the like).
 */
export function readField(doc: unknown, path: FieldPath): unknown {
  return readFrom(doc, path.segments, 0);
}

function readFrom(node: unknown, segments: readonly string[], start: number): unknown {
  if (start === segments.length) return node;
  if (typeof node !== 'object' || node === null) return MISSING;
  if (Array.isArray(node)) {
    const found: unknown[] = [];
    for (const element of node) {
      const value = readFrom(element, segments, start);
      if (value === MISSING) continue;
      if (Array.isArray(value)) found.push(...(value as unknown[]));
      else found.push(value);
    }
    return found.length === 0 ? MISSING : found;
  }
  const record = node as Record<string, unknown>;
  const head = segments[start] ?? '';
  // The common case first: nested objects all the way.
  if (Object.hasOwn(record, head)) {
    const value = readFrom(record[head], segments, start + 1);
    if (value !== MISSING) return value;
  }
  // Then keys that themselves contain dots ("pe.imphash", "event_data.Image").
  let joined = head;
  for (let end = start + 1; end < segments.length; end++) {
    joined += `.${segments[end] ?? ''}`;
    if (Object.hasOwn(record, joined)) {
      const value = readFrom(record[joined], segments, end + 1);
      if (value !== MISSING) return value;
    }
  }
  return MISSING;
}

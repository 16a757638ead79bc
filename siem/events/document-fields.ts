import type { JsonObject, JsonValue } from '../parsers/parser.ts';

/** Scalar leaf values an event field can hold. */
export type FieldScalar = string | number | boolean;

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Values of a dotted field path (`host.name`), Elasticsearch-style: arrays anywhere along the
 * path are flattened, nulls are absent, and a literal dotted key (`{"host.name": …}`) is found
 * too. Objects are not leaf values.
 */
export function fieldValues(doc: JsonObject, path: string): FieldScalar[] {
  const out: FieldScalar[] = [];
  collect(doc, path.split('.'), 0, out);
  return out;
}

function collect(
  node: JsonValue | undefined,
  segments: readonly string[],
  index: number,
  out: FieldScalar[],
): void {
  if (node === undefined || node === null) return;
  if (Array.isArray(node)) {
    for (const item of node) collect(item, segments, index, out);
    return;
  }
  if (index === segments.length) {
    if (typeof node !== 'object') out.push(node);
    return;
  }
  if (!isObject(node)) return;
  const key = segments[index] ?? '';
  if (key in node) collect(node[key], segments, index + 1, out);
  // A literal dotted key holding the rest of the path (rare after normalisation).
  for (let end = index + 2; end <= segments.length; end++) {
    const dotted = segments.slice(index, end).join('.');
    if (dotted in node) collect(node[dotted], segments, end, out);
  }
}

/** Calls `visit` with the dotted path and value of every scalar leaf, arrays flattened. */
export function forEachLeaf(
  doc: JsonObject,
  visit: (path: string, value: FieldScalar) => void,
): void {
  const walk = (node: JsonValue, path: string): void => {
    if (node === null) return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item, path);
    } else if (typeof node === 'object') {
      for (const key in node) {
        const child = node[key];
        if (child !== undefined) walk(child, path === '' ? key : `${path}.${key}`);
      }
    } else {
      visit(path, node);
    }
  };
  walk(doc, '');
}

/** Every leaf field path present in the document (for field-name wildcards). */
export function leafPaths(doc: JsonObject): string[] {
  const paths = new Set<string>();
  forEachLeaf(doc, (path) => paths.add(path));
  return [...paths];
}

/** Reads a field that should hold one string (first value wins). */
export function firstString(doc: JsonObject, path: string): string | undefined {
  const value = fieldValues(doc, path)[0];
  return value === undefined ? undefined : String(value);
}

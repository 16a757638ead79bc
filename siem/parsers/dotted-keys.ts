import { setOwn } from './json-access.ts';
import { childPath } from './parse-result.ts';
import type { JsonObject, JsonValue } from './parser.ts';

export type ExpandResult =
  | { readonly ok: true; readonly value: JsonObject }
  | { readonly ok: false; readonly path: string; readonly message: string };

interface Conflict {
  readonly path: string;
  readonly message: string;
}

/**
 * Expands dotted field names into nested objects the way Elasticsearch does
 * (`{"host.name": "a"}` → `{"host": {"name": "a"}}`), at every level and inside arrays of
 * objects. A dotted name whose value would replace a non-object (`{"host": "a", "host.name": "b"}`)
 * is a conflict Elasticsearch rejects too, so it is reported, never resolved by dropping data.
 * Names with an empty segment (`a..b`, `.a`, `a.`) are kept literally.
 */
export function expandDottedKeys(source: JsonObject, path = ''): ExpandResult {
  try {
    return { ok: true, value: expandObject(source, path) };
  } catch (error) {
    if (error instanceof ConflictError) return { ok: false, ...error.conflict };
    throw error;
  }
}

/**
 * True when `expandDottedKeys` would change `source`: some member name at any depth (also inside
 * arrays) has a dot, or a member is `undefined`. Otherwise the document can be used as it is,
 * which spares a full copy of every record that arrives already nested.
 */
export function needsExpansion(source: JsonObject): boolean {
  // `for...in` is the cheapest walk over the names; an inherited enumerable name (a polluted
  // prototype) can only send the document down the copying path, which reads own names alone.
  for (const key in source) {
    const value = source[key];
    if (value === undefined || key.includes('.')) return true;
    if (typeof value === 'object' && value !== null && valueNeedsExpansion(value)) return true;
  }
  return false;
}

function valueNeedsExpansion(value: JsonObject | JsonValue[]): boolean {
  if (!Array.isArray(value)) return needsExpansion(value);
  for (const item of value) {
    if (typeof item === 'object' && item !== null && valueNeedsExpansion(item)) return true;
  }
  return false;
}

class ConflictError extends Error {
  readonly conflict: Conflict;
  constructor(conflict: Conflict) {
    super(conflict.message);
    this.conflict = conflict;
  }
}

function expandObject(source: JsonObject, path: string): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(source)) {
    const raw = source[key];
    if (raw === undefined) continue;
    const segments = key.includes('.') ? key.split('.') : undefined;
    const literal = segments === undefined || segments.includes('');
    const value = expandValue(raw, childPath(path, key));
    if (literal) {
      place(out, key, value, path);
      continue;
    }
    let target = out;
    let targetPath = path;
    for (let i = 0; i < segments.length - 1; i++) {
      const segment = segments[i] ?? '';
      targetPath = childPath(targetPath, segment);
      const existing = Object.hasOwn(target, segment) ? target[segment] : undefined;
      if (existing === undefined) {
        const created: JsonObject = {};
        setOwn(target, segment, created);
        target = created;
      } else if (isPlainObject(existing)) {
        target = existing;
      } else {
        throw new ConflictError({
          path: childPath(path, key),
          message: `conflicts with the non-object value at ${targetPath}`,
        });
      }
    }
    place(target, segments[segments.length - 1] ?? '', value, targetPath);
  }
  return out;
}

function expandValue(value: JsonValue, path: string): JsonValue {
  if (Array.isArray(value))
    return value.map((item, index) => expandValue(item, childPath(path, index)));
  return isPlainObject(value) ? expandObject(value, path) : value;
}

function place(target: JsonObject, key: string, value: JsonValue, parentPath: string): void {
  const existing = Object.hasOwn(target, key) ? target[key] : undefined;
  if (existing === undefined) {
    setOwn(target, key, value);
    return;
  }
  const path = childPath(parentPath, key);
  if (isPlainObject(existing) && isPlainObject(value)) {
    for (const inner of Object.keys(value)) {
      const innerValue = value[inner];
      if (innerValue !== undefined) place(existing, inner, innerValue, path);
    }
    return;
  }
  throw new ConflictError({ path, message: 'is given twice (as a dotted and a nested field)' });
}

function isPlainObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import { MISSING, readField, toFieldPath } from '../sigma/event-fields.ts';
import type { FieldPath } from '../sigma/event-fields.ts';

/**
 * One equality test: the field's value (a scalar compared as a string, case-insensitively, or
 * any element of an array) is one of `values`; `exists` tests presence only.
 */
export type FieldCondition =
  | { readonly field: string; readonly oneOf: readonly string[] }
  | { readonly field: string; readonly exists: boolean };

/**
 * Disjunction of conjunctions, so the engine can index it. An event belongs if ANY clause holds,
 * a clause holds if ALL its conditions hold. `null` = every event.
 */
export type EventFilter = readonly (readonly FieldCondition[])[] | null;

const paths = new Map<string, FieldPath>();
const valueSets = new WeakMap<readonly string[], ReadonlySet<string>>();

/**
 * The reference evaluation of a filter against an event document. A field is present when it
 * has a value other than `null` or an empty array (as Elasticsearch's `exists` sees it).
 */
export function matchesFilter(filter: EventFilter, doc: unknown): boolean {
  if (filter === null) return true;
  return filter.some((clause) => clause.every((condition) => holds(condition, doc)));
}

function holds(condition: FieldCondition, doc: unknown): boolean {
  const value = readField(doc, pathOf(condition.field));
  if ('exists' in condition) return isPresent(value) === condition.exists;
  const wanted = setOf(condition.oneOf);
  if (Array.isArray(value)) return value.some((element) => equalsOne(element, wanted));
  return equalsOne(value, wanted);
}

function isPresent(value: unknown): boolean {
  if (value === MISSING || value === null) return false;
  return !Array.isArray(value) || value.length > 0;
}

function equalsOne(value: unknown, wanted: ReadonlySet<string>): boolean {
  if (typeof value === 'string') return wanted.has(value.toLowerCase());
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return wanted.has(String(value).toLowerCase());
  }
  return false;
}

function pathOf(field: string): FieldPath {
  let path = paths.get(field);
  if (path === undefined) {
    path = toFieldPath(field);
    paths.set(field, path);
  }
  return path;
}

function setOf(values: readonly string[]): ReadonlySet<string> {
  let set = valueSets.get(values);
  if (set === undefined) {
    set = new Set(values.map((value) => value.toLowerCase()));
    valueSets.set(values, set);
  }
  return set;
}

import type { JsonObject, JsonValue } from './parser.ts';

/** Reading fields of untyped JSON without trusting their types. */

export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `key`, when it is one. */
export function objectAt(source: JsonObject | undefined, key: string): JsonObject | undefined {
  const value = source?.[key];
  return isObject(value) ? value : undefined;
}

/** A non-empty string at `key`; other types and `""` read as absent. */
export function stringAt(source: JsonObject | undefined, key: string): string | undefined {
  const value = source?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A string or a finite number at `key`, as a string (ids are sent either way). */
export function textAt(source: JsonObject | undefined, key: string): string | undefined {
  const value = source?.[key];
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A safe integer at `key`, also when sent as a decimal string. */
export function integerAt(source: JsonObject | undefined, key: string): number | undefined {
  return toInteger(source?.[key]);
}

export function booleanAt(source: JsonObject | undefined, key: string): boolean | undefined {
  const value = source?.[key];
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

const DECIMAL = /^-?\d{1,16}$/;

/** A safe integer from a number or a decimal string; anything else is absent. */
export function toInteger(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && DECIMAL.test(value)) {
    const parsed = Number(value);
    return Number.isSafeInteger(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** A safe integer from `0x1a2b` or decimal text (Windows writes process ids in hex). */
export function toIntegerHexOrDecimal(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'string' && /^0[xX][0-9a-fA-F]{1,13}$/.test(value)) {
    return Number.parseInt(value.slice(2), 16);
  }
  return toInteger(value);
}

/** Strings of an array, skipping other members. */
export function stringsOf(value: JsonValue | undefined): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const item of value) if (typeof item === 'string' && item !== '') out.push(item);
  return out;
}

/** True when an object has at least one own member. */
export function hasMembers(value: JsonObject): boolean {
  for (const key in value) if (Object.hasOwn(value, key)) return true;
  return false;
}

/** A short description of a JSON value's type for error messages. */
export function typeName(value: JsonValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Assigns an own property, also for the name `__proto__` (which plain assignment would turn into
 * a prototype change, losing the field): keys copied from input must always go through here.
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

import { AuditError } from './audit-errors.ts';

/** A value of the JSON data model (I-JSON): what `canonicalJson` accepts. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const MAX_DEPTH = 64;

/**
 * RFC 8785 JSON Canonicalization Scheme: no whitespace, object members sorted by the UTF-16 code
 * units of their names, numbers in ECMAScript `Number.prototype.toString` form, strings with the
 * minimal JSON escaping. Hash or sign the UTF-8 bytes of the result.
 *
 * Throws `AUDIT_CANONICAL_INVALID` for anything outside I-JSON: non-finite numbers, lone
 * surrogates, bigints, functions, symbols, `undefined` in arrays, and objects that are not plain
 * (Date, Map, Buffer, class instances). Object members whose value is `undefined` are left out,
 * as `JSON.stringify` does.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, '$', 0);
}

function serialise(value: unknown, path: string, depth: number): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) fail(path, 'numbers must be finite');
      // ECMAScript Number::toString is the JCS number form; JSON.stringify applies it (and -0 → 0).
      return JSON.stringify(value);
    case 'string':
      return serialiseString(value, path);
    case 'object':
      break;
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      fail(path, `a ${typeof value} is not JSON`);
  }
  if (depth >= MAX_DEPTH) fail(path, `nesting deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    const items = value.map((item: unknown, i) => {
      if (item === undefined) fail(`${path}[${i}]`, 'undefined is not JSON');
      return serialise(item, `${path}[${i}]`, depth + 1);
    });
    return `[${items.join(',')}]`;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) fail(path, 'only plain objects are JSON');
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks for.
  const names = Object.keys(record).sort();
  const members: string[] = [];
  for (const name of names) {
    const member = record[name];
    if (member === undefined) continue;
    const memberPath = `${path}.${name}`;
    members.push(
      `${serialiseString(name, memberPath)}:${serialise(member, memberPath, depth + 1)}`,
    );
  }
  return `{${members.join(',')}}`;
}

function serialiseString(value: string, path: string): string {
  if (!value.isWellFormed()) fail(path, 'strings must not contain lone surrogates');
  // For well-formed strings JSON.stringify escapes exactly as RFC 8785 §3.2.2.2 prescribes:
  // \b \t \n \f \r \" \\, other controls as lower-case \u00xx, everything else as is.
  return JSON.stringify(value);
}

function fail(path: string, message: string): never {
  throw new AuditError('AUDIT_CANONICAL_INVALID', `${path}: ${message}`, {
    issues: [{ path, message }],
  });
}

import { compareCodeUnits } from './secret-path.ts';
import { SecretsError } from './secrets-errors.ts';

/**
 * Default limit on a value's canonical JSON, in UTF-8 bytes. Below Vault's integrated storage
 * entry limit (1 MiB including its own overhead), so both adapters accept the same values.
 */
export const DEFAULT_MAX_VALUE_BYTES = 512 * 1024;
/** Most keys one value may hold. */
export const MAX_VALUE_KEYS = 1024;
/** Longest key, in characters. */
export const MAX_VALUE_KEY_LENGTH = 256;

// Messages name positions, never keys or values: a caller may have swapped a key and a value.
function invalid(message: string, field = 'value'): SecretsError {
  return new SecretsError('SECRET_VALUE_INVALID', `invalid secret value: ${message}`, {
    issues: [{ path: field, message }],
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks a secret value and returns its canonical JSON (keys sorted by code unit, as RFC 8785
 * does for an object of strings). Throws `SECRET_VALUE_INVALID` unless the value is a plain
 * object of at most 1024 well-formed string keys (1..256 characters) with well-formed string
 * values, and `SECRET_VALUE_TOO_LARGE` beyond `maxBytes`.
 */
export function toCanonicalSecretJson(value: unknown, maxBytes = DEFAULT_MAX_VALUE_BYTES): string {
  if (!isPlainObject(value)) throw invalid('must be a plain object of strings');
  if (Object.getOwnPropertySymbols(value).length > 0) throw invalid('has symbol keys');
  const keys = Object.keys(value);
  if (keys.length > MAX_VALUE_KEYS) throw invalid(`has more than ${MAX_VALUE_KEYS} keys`);
  keys.forEach((key, i) => {
    const field = `value.${i}`;
    if (key.length === 0) throw invalid(`key #${i + 1} is empty`, field);
    if (key.length > MAX_VALUE_KEY_LENGTH)
      throw invalid(`key #${i + 1} is longer than ${MAX_VALUE_KEY_LENGTH} characters`, field);
    if (!key.isWellFormed()) throw invalid(`key #${i + 1} has a lone surrogate`, field);
    const v = value[key];
    if (typeof v !== 'string') throw invalid(`the value of key #${i + 1} is not a string`, field);
    if (!v.isWellFormed()) throw invalid(`the value of key #${i + 1} has a lone surrogate`, field);
  });
  const sorted = [...keys].sort(compareCodeUnits);
  const json = JSON.stringify(Object.fromEntries(sorted.map((k) => [k, value[k]])));
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > maxBytes) {
    throw new SecretsError(
      'SECRET_VALUE_TOO_LARGE',
      `secret value is ${bytes} bytes as JSON; the limit is ${maxBytes}`,
      { details: { bytes, limit: maxBytes } },
    );
  }
  return json;
}

/**
 * Turns a stored or received object into a secret value: strings stay, other JSON values
 * become their JSON text (Vault accepts any JSON; this port speaks strings). Undefined when
 * `data` is not an object.
 */
export function toSecretValue(data: unknown): Record<string, string> | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

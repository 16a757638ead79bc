import { compareCodeUnits } from '../../secret-path.ts';
import type { SecretMeta, SecretVersionMeta } from '../../secret-store.ts';
import { SecretsError } from '../../secrets-errors.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(what: string): SecretsError {
  return new SecretsError('SECRET_BACKEND_ERROR', `Vault sent a malformed ${what}`);
}

/** The `data` object of a Vault response envelope. */
export function dataOf(body: unknown, what: string): Record<string, unknown> {
  const data = isObject(body) ? body.data : undefined;
  if (!isObject(data)) throw malformed(what);
  return data;
}

/** An RFC 3339 time from Vault (nanoseconds) as this port's millisecond ISO string. */
function toIso(value: unknown, what: string): string {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw malformed(what);
  return new Date(ms).toISOString();
}

/**
 * Version metadata from Vault's `{ version, created_time, deletion_time, destroyed }`.
 * `deletion_time` is Vault's empty string when the version is not deleted.
 */
export function toVersionMeta(raw: unknown, version?: number): SecretVersionMeta {
  if (!isObject(raw)) throw malformed('version metadata');
  const n = version ?? raw.version;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw malformed('version number');
  const base = {
    version: n,
    createdAt: toIso(raw.created_time, 'created_time'),
    destroyed: raw.destroyed === true,
  };
  const deletion = raw.deletion_time;
  return typeof deletion === 'string' && deletion !== ''
    ? { ...base, deletedAt: toIso(deletion, 'deletion_time') }
    : base;
}

/** `GET /{mount}/metadata/{path}` → the port's metadata. */
export function toSecretMeta(path: string, body: unknown): SecretMeta {
  const data = dataOf(body, 'metadata response');
  const versions = isObject(data.versions) ? data.versions : {};
  const current = data.current_version;
  if (typeof current !== 'number') throw malformed('current_version');
  return {
    path,
    currentVersion: current,
    versions: Object.entries(versions)
      .map(([n, v]) => toVersionMeta(v, Number(n)))
      .sort((a, b) => a.version - b.version),
    createdAt: toIso(data.created_time, 'created_time'),
    updatedAt: toIso(data.updated_time, 'updated_time'),
    casRequired: data.cas_required === true,
    maxVersions: typeof data.max_versions === 'number' ? data.max_versions : 0,
  };
}

/** `LIST /{mount}/metadata/{folder}` → sorted keys. */
export function toKeys(body: unknown): string[] {
  const keys = dataOf(body, 'list response').keys;
  if (!Array.isArray(keys)) throw malformed('list response');
  return (keys as unknown[])
    .filter((k): k is string => typeof k === 'string')
    .sort(compareCodeUnits);
}

/** The version metadata Vault puts in a 404 body when the version is deleted or destroyed. */
export function goneVersionOf(body: unknown): SecretVersionMeta | undefined {
  const data = isObject(body) ? body.data : undefined;
  const meta = isObject(data) ? data.metadata : undefined;
  if (!isObject(meta)) return undefined;
  return toVersionMeta(meta);
}

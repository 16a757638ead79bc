import type { PutSecretOptions, SecretSettings } from './secret-store.ts';
import { SecretsError } from './secrets-errors.ts';

/** Largest version number or `maxVersions` accepted (Vault stores them as uint32/uint64). */
const MAX_NUMBER = 2 ** 31 - 1;

function invalid(field: string, message: string): SecretsError {
  return new SecretsError('SECRET_ARGUMENT_INVALID', `invalid ${field}: ${message}`, {
    issues: [{ path: field, message }],
  });
}

function isCount(value: unknown, min: number): value is number {
  return (
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= MAX_NUMBER
  );
}

/** A version number given to `get`: undefined (latest) or a positive integer. */
export function checkVersion(version: unknown): number | undefined {
  if (version === undefined) return undefined;
  if (!isCount(version, 1)) throw invalid('version', 'must be a positive integer');
  return version;
}

/** A version list given to `delete`, `undelete` or `destroy`: non-empty, positive integers. */
export function checkVersions(versions: unknown): number[] {
  if (!Array.isArray(versions)) throw invalid('versions', 'must be an array');
  if (versions.length === 0) throw invalid('versions', 'must name at least one version');
  if (versions.length > 1000) throw invalid('versions', 'must name at most 1000 versions');
  const list: unknown[] = versions;
  list.forEach((v, i) => {
    if (!isCount(v, 1)) throw invalid(`versions.${i}`, 'must be a positive integer');
  });
  return [...new Set(list as number[])].sort((a, b) => a - b);
}

/** The `cas` of a write: undefined or an integer ≥ 0. */
export function checkPutOptions(options: PutSecretOptions | undefined): number | undefined {
  const cas: unknown = options?.cas;
  if (cas === undefined) return undefined;
  if (!isCount(cas, 0)) throw invalid('cas', 'must be an integer ≥ 0');
  return cas;
}

/** Per-path settings: `maxVersions` an integer ≥ 0, `casRequired` a boolean. */
export function checkSettings(settings: SecretSettings): SecretSettings {
  const maxVersions: unknown = settings.maxVersions;
  const casRequired: unknown = settings.casRequired;
  if (maxVersions !== undefined && !isCount(maxVersions, 0))
    throw invalid('maxVersions', 'must be an integer ≥ 0');
  if (casRequired !== undefined && typeof casRequired !== 'boolean')
    throw invalid('casRequired', 'must be a boolean');
  return settings;
}

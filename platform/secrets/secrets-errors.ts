import { defineErrors } from '../errors/index.ts';

/**
 * Errors of the secrets store. Messages and `details` name paths, tenants and versions, never a
 * secret value, a data key or a master key.
 */
export const SecretsError = defineErrors('SecretsError', {
  /** The tenant id, path or list prefix breaks the path rules. */
  SECRET_PATH_INVALID: 'invalid',
  /** The value is not an object of strings (or has a bad key or a lone surrogate). */
  SECRET_VALUE_INVALID: 'invalid',
  /** The value's canonical JSON is larger than the store accepts. */
  SECRET_VALUE_TOO_LARGE: 'too_large',
  /** A version list, a version number, a CAS number or a setting is malformed. */
  SECRET_ARGUMENT_INVALID: 'invalid',
  /** No such path for this tenant, or no such version of it. */
  SECRET_NOT_FOUND: 'not_found',
  /** The version exists but is soft-deleted; undelete restores it. */
  SECRET_VERSION_DELETED: 'not_found',
  /** The version was destroyed; its data is gone for good. */
  SECRET_VERSION_DESTROYED: 'not_found',
  /** Check-and-set: the expected current version is not the current version. */
  SECRET_CAS_MISMATCH: 'conflict',
  /** The secret requires check-and-set and the write gave no `cas`. */
  SECRET_CAS_REQUIRED: 'invalid',
  /** A master key is malformed, or a keyring source cannot be read. */
  SECRET_MASTER_KEY_INVALID: 'invalid',
  /** A row is wrapped under a master key id that is not loaded. */
  SECRET_MASTER_KEY_MISSING: 'internal',
  /** Authenticated decryption failed: wrong master key, or a tampered or moved row. */
  SECRET_DECRYPT_FAILED: 'internal',
  /** The backend (database or Vault) cannot be reached, timed out, or is sealed. */
  SECRET_UNAVAILABLE: 'unavailable',
  /** Vault refused the platform's own credentials (login rejected). */
  SECRET_BACKEND_AUTH_FAILED: 'unavailable',
  /** Vault denied the operation on this path to the platform's token (policy). */
  SECRET_BACKEND_FORBIDDEN: 'forbidden',
  /** The backend answered something the adapter does not understand. */
  SECRET_BACKEND_ERROR: 'internal',
});
export type SecretsError = InstanceType<typeof SecretsError>;
export type SecretsErrorCode = SecretsError['code'];

export type {
  PutSecretOptions,
  SecretMeta,
  SecretSettings,
  SecretStore,
  SecretStoreHealth,
  SecretVersion,
  SecretVersionMeta,
} from './secret-store.ts';
export { SecretsError } from './secrets-errors.ts';
export type { SecretsErrorCode } from './secrets-errors.ts';
export {
  assertSecretPath,
  assertTenantId,
  MAX_PATH_SEGMENTS,
  MAX_SECRET_PATH_LENGTH,
  MAX_SEGMENT_LENGTH,
} from './secret-path.ts';
export { DEFAULT_MAX_VALUE_BYTES } from './secret-value.ts';
export { secretRoutes } from './secret-routes.ts';
export { createEmbeddedSecretStore } from './adapters/embedded/embedded-secret-store.ts';
export type {
  EmbeddedSecretStore,
  EmbeddedSecretStoreOptions,
} from './adapters/embedded/embedded-secret-store.ts';
export type { MasterKeyRotationReport } from './adapters/embedded/master-key-rotation.ts';
export { secretsMigrations } from './adapters/embedded/secrets-migrations.ts';
export {
  createMasterKeyring,
  generateMasterKeyEntry,
  loadMasterKeyring,
  MASTER_KEY_FILE_ENV,
  MASTER_KEYS_ENV,
  parseMasterKeyring,
} from './adapters/embedded/master-keyring.ts';
export type {
  LoadMasterKeyringOptions,
  MasterKey,
  MasterKeyring,
  MasterKeyringInput,
} from './adapters/embedded/master-keyring.ts';
export { createVaultSecretStore } from './adapters/vault/vault-secret-store.ts';
export type { VaultSecretStoreOptions } from './adapters/vault/vault-secret-store.ts';
export type { VaultAuth } from './adapters/vault/vault-client.ts';

/** One version of a secret, without its value. Times are RFC 3339 (UTC, milliseconds). */
export interface SecretVersionMeta {
  readonly version: number;
  readonly createdAt: string;
  /** Set while the version is soft-deleted; `undelete` clears it. */
  readonly deletedAt?: string;
  /** True once the version's data is permanently gone. */
  readonly destroyed: boolean;
}

/** Everything known about a secret path except its values. */
export interface SecretMeta {
  readonly path: string;
  /** The highest version written; 0 when only settings exist (see `updateMetadata`). */
  readonly currentVersion: number;
  /** Kept versions, oldest first. Versions pruned by `maxVersions` are not listed. */
  readonly versions: readonly SecretVersionMeta[];
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Writes to this path must carry `cas`. */
  readonly casRequired: boolean;
  /** Versions kept for this path; 0 means the store's default. */
  readonly maxVersions: number;
}

/** A decrypted secret version. */
export interface SecretVersion {
  readonly value: Record<string, string>;
  readonly meta: SecretVersionMeta;
}

/** Options of a write. */
export interface PutSecretOptions {
  /**
   * Check-and-set, as Vault KV v2: the version the caller believes is current (0 = the path must
   * not exist yet). A different current version fails with `SECRET_CAS_MISMATCH`.
   */
  readonly cas?: number;
}

/** Per-path settings, as Vault KV v2's metadata endpoint. Omitted fields keep their value. */
export interface SecretSettings {
  /** Versions to keep; older ones are removed on the next write. 0 = the store default. */
  readonly maxVersions?: number;
  readonly casRequired?: boolean;
}

/** Health of the backend: never throws. */
export interface SecretStoreHealth {
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * The secrets store port: versioned key/value secrets per tenant, with Vault KV v2 semantics.
 * Adapters: embedded (envelope-encrypted in the relational store) and HashiCorp Vault KV v2.
 *
 * Paths are `/`-separated segments of `[A-Za-z0-9._-]` (see `secret-path.ts`). A path of another
 * tenant behaves exactly like a path that does not exist. Every operation on one path throws
 * `SECRET_NOT_FOUND` when the path has no metadata; values never appear in errors.
 */
export interface SecretStore {
  /** Writes a new version and returns its metadata. Honours `cas` and the path's `casRequired`. */
  put(
    tenantId: string,
    path: string,
    value: Record<string, string>,
    options?: PutSecretOptions,
  ): Promise<SecretVersionMeta>;
  /**
   * Reads the latest version, or `version`. Fails with `SECRET_NOT_FOUND` (no such path or
   * version), `SECRET_VERSION_DELETED` or `SECRET_VERSION_DESTROYED`.
   */
  get(tenantId: string, path: string, version?: number): Promise<SecretVersion>;
  /**
   * Lists the direct children of a folder (`''` is the tenant's root; a trailing `/` is
   * optional), sorted: secrets by name, sub-folders with a trailing `/`. Unknown folder → `[]`.
   */
  list(tenantId: string, prefix: string): Promise<string[]>;
  /** Metadata of a path and of every kept version. */
  metadata(tenantId: string, path: string): Promise<SecretMeta>;
  /**
   * Changes per-path settings. Creates the metadata if the path does not exist yet (as Vault
   * does), so settings can be fixed before the first write.
   */
  updateMetadata(tenantId: string, path: string, settings: SecretSettings): Promise<void>;
  /**
   * Soft-deletes the latest version, or the given versions. Unknown, deleted or destroyed
   * versions are skipped. Reversible with `undelete`.
   */
  delete(tenantId: string, path: string, versions?: readonly number[]): Promise<void>;
  /** Restores soft-deleted versions. Destroyed or unknown versions are skipped. */
  undelete(tenantId: string, path: string, versions: readonly number[]): Promise<void>;
  /** Permanently removes the data of the given versions; their metadata stays, `destroyed`. */
  destroy(tenantId: string, path: string, versions: readonly number[]): Promise<void>;
  /** Removes the path's metadata and every version. A later write starts again at version 1. */
  deleteAll(tenantId: string, path: string): Promise<void>;
  health(): Promise<SecretStoreHealth>;
}

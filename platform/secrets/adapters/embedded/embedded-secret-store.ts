import type { Clock } from '../../../clock/index.ts';
import { systemClock } from '../../../clock/index.ts';
import { isSecOpsError } from '../../../errors/index.ts';
import { sql } from '../../../storage/index.ts';
import type { RelationalStore, SqlExecutor } from '../../../storage/index.ts';
import {
  checkPutOptions,
  checkSettings,
  checkVersion,
  checkVersions,
} from '../../secret-arguments.ts';
import { assertSecretPath, assertTenantId, folderChildren, toFolder } from '../../secret-path.ts';
import type {
  SecretMeta,
  SecretSettings,
  SecretStore,
  SecretStoreHealth,
  SecretVersion,
} from '../../secret-store.ts';
import {
  DEFAULT_MAX_VALUE_BYTES,
  toCanonicalSecretJson,
  toSecretValue,
} from '../../secret-value.ts';
import { SecretsError } from '../../secrets-errors.ts';
import { openValue, sealValue } from './envelope.ts';
import type { VersionBinding } from './envelope.ts';
import { createMasterKeyring, withCurrentKey } from './master-keyring.ts';
import type { MasterKey, MasterKeyring, MasterKeyringInput } from './master-keyring.ts';
import { rewrapAll } from './master-key-rotation.ts';
import type { MasterKeyRotationReport } from './master-key-rotation.ts';
import { lockPath, toBytes, toVersionMeta } from './secret-rows.ts';
import type { VersionRow } from './secret-rows.ts';

/** Options of the embedded secrets store. */
export interface EmbeddedSecretStoreOptions {
  /** The relational store, migrated with `secretsMigrations`. */
  readonly store: RelationalStore;
  readonly keyring: MasterKeyringInput | MasterKeyring;
  readonly clock?: Clock;
  /** Versions kept per path when its metadata sets none; 0 keeps all. Default 10, as Vault. */
  readonly defaultMaxVersions?: number;
  /** Limit on a value's canonical JSON in bytes. Default 512 KiB. */
  readonly maxValueBytes?: number;
}

/** The embedded store: the port plus master key rotation. */
export interface EmbeddedSecretStore extends SecretStore {
  /**
   * Makes `newKey` the current master key and re-wraps every data key under it in one
   * transaction. Ciphertexts are not touched. The id may already be loaded (same bytes only),
   * which completes a rotation whose key was deployed first.
   */
  rotateMasterKey(newKey: MasterKey): Promise<MasterKeyRotationReport>;
}

/**
 * The embedded secrets store: each version is encrypted under its own data key, wrapped by a
 * master key the process holds; rows live in the relational store (SQLite or PostgreSQL).
 */
export function createEmbeddedSecretStore(
  options: EmbeddedSecretStoreOptions,
): EmbeddedSecretStore {
  const db = options.store;
  const clock = options.clock ?? systemClock;
  const defaultMaxVersions = options.defaultMaxVersions ?? 10;
  const maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
  let ring: MasterKeyring = createMasterKeyring(options.keyring);

  const notFound = (tenantId: string, path: string, version?: number): SecretsError =>
    new SecretsError(
      'SECRET_NOT_FOUND',
      version === undefined ? `no secret at ${path}` : `no version ${version} of ${path}`,
      { details: version === undefined ? { tenantId, path } : { tenantId, path, version } },
    );

  /** Runs `fn` in a transaction after locking the path's row; NOT_FOUND when it has none. */
  const onExistingPath = <T>(
    tenantId: string,
    path: string,
    fn: (tx: SqlExecutor, currentVersion: number) => Promise<T>,
  ): Promise<T> =>
    guard(() =>
      db.transaction(async (tx) => {
        const row = await lockPath(tx, tenantId, path);
        if (row === undefined) throw notFound(tenantId, path);
        return fn(tx, row.current_version);
      }),
    );

  const versionIn = (versions: readonly number[]) =>
    sql`version IN (${sql.join(versions.map((v) => sql`${v}`))})`;

  return {
    async put(tenantId, path, value, putOptions) {
      assertTenantId(tenantId);
      assertSecretPath(path);
      const cas = checkPutOptions(putOptions);
      const json = toCanonicalSecretJson(value, maxValueBytes);
      const now = clock.now();
      return guard(() =>
        db.transaction(async (tx) => {
          await tx.execute(sql`
            INSERT INTO secrets_paths (tenant_id, path, created_at, updated_at)
            VALUES (${tenantId}, ${path}, ${now}, ${now})
            ON CONFLICT (tenant_id, path) DO NOTHING`);
          // The UPDATE locks the row: concurrent writers to one path queue here, none is lost.
          const row = await tx.queryOne<{
            current_version: number;
            max_versions: number;
            cas_required: number;
          }>(sql`
            UPDATE secrets_paths SET current_version = current_version + 1, updated_at = ${now}
            WHERE tenant_id = ${tenantId} AND path = ${path}
            RETURNING current_version, max_versions, cas_required`);
          if (row === undefined)
            throw new SecretsError('SECRET_BACKEND_ERROR', 'path row vanished');
          const version = row.current_version;
          if (cas !== undefined && cas !== version - 1) {
            throw new SecretsError(
              'SECRET_CAS_MISMATCH',
              `check-and-set expected version ${cas} of ${path}, the current version is ${version - 1}`,
              { details: { tenantId, path, expected: cas, current: version - 1 } },
            );
          }
          if (cas === undefined && row.cas_required === 1) {
            throw new SecretsError('SECRET_CAS_REQUIRED', `writes to ${path} must give cas`, {
              details: { tenantId, path },
            });
          }
          const s = sealValue(json, { tenantId, path, version }, ring);
          await tx.execute(sql`
            INSERT INTO secrets_versions (tenant_id, path, version, created_at, destroyed,
              master_key_id, wrap_nonce, wrapped_key, nonce, ciphertext)
            VALUES (${tenantId}, ${path}, ${version}, ${now}, ${0}, ${s.masterKeyId},
              ${s.wrapNonce}, ${s.wrappedKey}, ${s.nonce}, ${s.ciphertext})`);
          const keep = row.max_versions > 0 ? row.max_versions : defaultMaxVersions;
          if (keep > 0 && version > keep) {
            await tx.execute(sql`
              DELETE FROM secrets_versions
              WHERE tenant_id = ${tenantId} AND path = ${path} AND version <= ${version - keep}`);
          }
          return { version, createdAt: new Date(now).toISOString(), destroyed: false };
        }),
      );
    },

    async get(tenantId, path, version): Promise<SecretVersion> {
      assertTenantId(tenantId);
      assertSecretPath(path);
      const wanted = checkVersion(version) ?? null;
      const row = await guard(() =>
        db.queryOne<VersionRow & { current_version: number; found: number | null }>(sql`
          SELECT p.current_version, v.version AS found, v.version, v.created_at, v.deleted_at,
            v.destroyed, v.master_key_id, v.wrap_nonce, v.wrapped_key, v.nonce, v.ciphertext
          FROM secrets_paths p
          LEFT JOIN secrets_versions v ON v.tenant_id = p.tenant_id AND v.path = p.path
            AND v.version = COALESCE(${wanted}, p.current_version)
          WHERE p.tenant_id = ${tenantId} AND p.path = ${path}`),
      );
      if (row === undefined) throw notFound(tenantId, path);
      if (row.found === null) throw notFound(tenantId, path, wanted ?? row.current_version);
      const meta = toVersionMeta(row);
      const details = { tenantId, path, version: row.version };
      if (meta.destroyed)
        throw new SecretsError(
          'SECRET_VERSION_DESTROYED',
          `version ${row.version} of ${path} was destroyed`,
          { details },
        );
      if (meta.deletedAt !== undefined)
        throw new SecretsError(
          'SECRET_VERSION_DELETED',
          `version ${row.version} of ${path} is deleted`,
          { details: { ...details, deletedAt: meta.deletedAt } },
        );
      const binding: VersionBinding = { tenantId, path, version: row.version };
      const json = openValue(
        {
          masterKeyId: row.master_key_id ?? '',
          wrapNonce: toBytes(row.wrap_nonce),
          wrappedKey: toBytes(row.wrapped_key),
          nonce: toBytes(row.nonce),
          ciphertext: toBytes(row.ciphertext),
        },
        binding,
        ring,
      );
      const value = toSecretValue(JSON.parse(json));
      if (value === undefined)
        throw new SecretsError('SECRET_BACKEND_ERROR', 'stored value is not an object');
      return { value, meta };
    },

    async list(tenantId, prefix) {
      assertTenantId(tenantId);
      const folder = toFolder(prefix);
      const rows = await guard(() =>
        db.query<{ path: string }>(sql`
          SELECT path FROM secrets_paths WHERE tenant_id = ${tenantId}
          ${folder === '' ? sql`` : sql`AND substr(path, 1, ${folder.length}) = ${folder}`}`),
      );
      return folderChildren(
        rows.map((r) => r.path),
        folder,
      );
    },

    async metadata(tenantId, path): Promise<SecretMeta> {
      assertTenantId(tenantId);
      assertSecretPath(path);
      return guard(async () => {
        const p = await db.queryOne<{
          current_version: number;
          max_versions: number;
          cas_required: number;
          created_at: number;
          updated_at: number;
        }>(sql`
          SELECT current_version, max_versions, cas_required, created_at, updated_at
          FROM secrets_paths WHERE tenant_id = ${tenantId} AND path = ${path}`);
        if (p === undefined) throw notFound(tenantId, path);
        const versions = await db.query<VersionRow>(sql`
          SELECT version, created_at, deleted_at, destroyed FROM secrets_versions
          WHERE tenant_id = ${tenantId} AND path = ${path} ORDER BY version`);
        return {
          path,
          currentVersion: p.current_version,
          versions: versions.map(toVersionMeta),
          createdAt: new Date(p.created_at).toISOString(),
          updatedAt: new Date(p.updated_at).toISOString(),
          casRequired: p.cas_required === 1,
          maxVersions: p.max_versions,
        };
      });
    },

    async updateMetadata(tenantId, path, settings: SecretSettings) {
      assertTenantId(tenantId);
      assertSecretPath(path);
      const { maxVersions, casRequired } = checkSettings(settings);
      const now = clock.now();
      await guard(() =>
        db.transaction(async (tx) => {
          await tx.execute(sql`
            INSERT INTO secrets_paths (tenant_id, path, created_at, updated_at)
            VALUES (${tenantId}, ${path}, ${now}, ${now})
            ON CONFLICT (tenant_id, path) DO NOTHING`);
          await tx.execute(sql`
            UPDATE secrets_paths SET
              max_versions = COALESCE(${maxVersions ?? null}, max_versions),
              cas_required = COALESCE(${casRequired === undefined ? null : casRequired ? 1 : 0}, cas_required)
            WHERE tenant_id = ${tenantId} AND path = ${path}`);
        }),
      );
    },

    async delete(tenantId, path, versions) {
      assertTenantId(tenantId);
      assertSecretPath(path);
      const list = versions === undefined ? undefined : checkVersions(versions);
      const now = clock.now();
      await onExistingPath(tenantId, path, async (tx, current) => {
        const targets = list ?? (current > 0 ? [current] : []);
        if (targets.length === 0) return;
        await tx.execute(sql`
          UPDATE secrets_versions SET deleted_at = ${now}
          WHERE tenant_id = ${tenantId} AND path = ${path} AND ${versionIn(targets)}
            AND destroyed = 0 AND deleted_at IS NULL`);
      });
    },

    async undelete(tenantId, path, versions) {
      assertTenantId(tenantId);
      assertSecretPath(path);
      const list = checkVersions(versions);
      await onExistingPath(tenantId, path, async (tx) => {
        await tx.execute(sql`
          UPDATE secrets_versions SET deleted_at = NULL
          WHERE tenant_id = ${tenantId} AND path = ${path} AND ${versionIn(list)} AND destroyed = 0`);
      });
    },

    async destroy(tenantId, path, versions) {
      assertTenantId(tenantId);
      assertSecretPath(path);
      const list = checkVersions(versions);
      await onExistingPath(tenantId, path, async (tx) => {
        await tx.execute(sql`
          UPDATE secrets_versions SET destroyed = 1, master_key_id = NULL, wrap_nonce = NULL,
            wrapped_key = NULL, nonce = NULL, ciphertext = NULL
          WHERE tenant_id = ${tenantId} AND path = ${path} AND ${versionIn(list)} AND destroyed = 0`);
      });
    },

    async deleteAll(tenantId, path) {
      assertTenantId(tenantId);
      assertSecretPath(path);
      await onExistingPath(tenantId, path, async (tx) => {
        await tx.execute(
          sql`DELETE FROM secrets_versions WHERE tenant_id = ${tenantId} AND path = ${path}`,
        );
        await tx.execute(
          sql`DELETE FROM secrets_paths WHERE tenant_id = ${tenantId} AND path = ${path}`,
        );
      });
    },

    async health(): Promise<SecretStoreHealth> {
      try {
        const h = await db.health();
        return {
          ok: h.ok,
          detail: `embedded on ${h.dialect} (${h.detail}); master key ${ring.current.id}`,
        };
      } catch (err) {
        return { ok: false, detail: `embedded: ${(err as Error).message}` };
      }
    },

    async rotateMasterKey(newKey) {
      // Switch first: writes made while the re-wrap runs already use the new key.
      ring = withCurrentKey(ring, newKey);
      const target = ring;
      return guard(() => rewrapAll(db, target));
    },
  };
}

/** Storage outages become `SECRET_UNAVAILABLE`; every other error passes unchanged. */
async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SecretsError) throw err;
    if (isSecOpsError(err) && err.kind === 'unavailable') {
      throw new SecretsError('SECRET_UNAVAILABLE', 'the secrets database is unavailable', {
        cause: err,
      });
    }
    throw err;
  }
}

import {
  checkPutOptions,
  checkSettings,
  checkVersion,
  checkVersions,
} from '../../secret-arguments.ts';
import { assertSecretPath, assertTenantId, toFolder } from '../../secret-path.ts';
import type { SecretStore, SecretStoreHealth } from '../../secret-store.ts';
import {
  DEFAULT_MAX_VALUE_BYTES,
  toCanonicalSecretJson,
  toSecretValue,
} from '../../secret-value.ts';
import { SecretsError } from '../../secrets-errors.ts';
import { createVaultClient } from './vault-client.ts';
import type { VaultClientOptions, VaultResponse } from './vault-client.ts';
import { dataOf, goneVersionOf, toKeys, toSecretMeta, toVersionMeta } from './vault-responses.ts';

/** Options of the Vault KV v2 adapter. */
export interface VaultSecretStoreOptions extends VaultClientOptions {
  /** Path of the KV v2 mount. Default `secret`. */
  readonly mount?: string;
  /** Optional folder under the mount that holds every tenant (`{mount}/data/{prefix}/{tenant}/…`). */
  readonly prefix?: string;
  /** Limit on a value's canonical JSON in bytes. Default 512 KiB. */
  readonly maxValueBytes?: number;
}

const encode = (key: string): string => key.split('/').map(encodeURIComponent).join('/');

/**
 * The HashiCorp Vault KV v2 adapter. Tenant `t`'s path `p` is Vault key `[prefix/]t/p` in the
 * mount, so a tenant can only ever address keys under its own folder.
 */
export function createVaultSecretStore(options: VaultSecretStoreOptions): SecretStore {
  const mount = (options.mount ?? 'secret').replace(/^\/+|\/+$/g, '');
  if (mount === '' || !/^[A-Za-z0-9._/-]+$/.test(mount))
    throw new SecretsError('SECRET_ARGUMENT_INVALID', 'invalid Vault mount path');
  if (options.prefix !== undefined) assertSecretPath(options.prefix);
  const prefix = options.prefix === undefined ? '' : `${options.prefix}/`;
  const maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
  const client = createVaultClient(options);

  const key = (tenantId: string, path: string): string => encode(`${prefix}${tenantId}/${path}`);
  const at = (op: string, tenantId: string, path: string): string =>
    `${mount}/${op}/${key(tenantId, path)}`;

  const notFound = (tenantId: string, path: string, version?: number): SecretsError =>
    new SecretsError(
      'SECRET_NOT_FOUND',
      version === undefined ? `no secret at ${path}` : `no version ${version} of ${path}`,
      { details: version === undefined ? { tenantId, path } : { tenantId, path, version } },
    );

  const unexpected = (r: VaultResponse, what: string): SecretsError =>
    new SecretsError('SECRET_BACKEND_ERROR', `Vault answered ${r.status} to ${what}`, {
      details: { status: r.status },
    });

  const readMetadata = async (tenantId: string, path: string): Promise<VaultResponse> => {
    const r = await client.request('GET', at('metadata', tenantId, path));
    if (r.status === 404) throw notFound(tenantId, path);
    if (r.status !== 200) throw unexpected(r, 'a metadata read');
    return r;
  };

  /** Vault answers 204 for versions of a missing path; this port answers NOT_FOUND. */
  const onExisting = async (
    tenantId: string,
    path: string,
    method: string,
    op: string,
    body?: unknown,
  ): Promise<void> => {
    await readMetadata(tenantId, path);
    const r = await client.request(
      method,
      at(op, tenantId, path),
      body === undefined ? {} : { body },
    );
    if (r.status >= 300) throw unexpected(r, `${op} of ${path}`);
  };

  return {
    async put(tenantId, path, value, putOptions) {
      assertTenantId(tenantId);
      assertSecretPath(path);
      const cas = checkPutOptions(putOptions);
      // Validate and size-check exactly as the embedded store does; send the canonical form.
      const data: unknown = JSON.parse(toCanonicalSecretJson(value, maxValueBytes));
      const r = await client.request('POST', at('data', tenantId, path), {
        body: { options: cas === undefined ? {} : { cas }, data },
        carriesSecret: true,
      });
      if (r.status === 400) {
        const errors = JSON.stringify((r.body as { errors?: unknown } | undefined)?.errors ?? []);
        const details = { tenantId, path, ...(cas === undefined ? {} : { expected: cas }) };
        if (errors.includes('check-and-set parameter did not match'))
          throw new SecretsError(
            'SECRET_CAS_MISMATCH',
            `check-and-set expected version ${cas ?? '?'} of ${path}, which is not current`,
            { details },
          );
        if (errors.includes('check-and-set parameter required'))
          throw new SecretsError('SECRET_CAS_REQUIRED', `writes to ${path} must give cas`, {
            details,
          });
      }
      if (r.status !== 200) throw unexpected(r, `the write of ${path}`);
      // A deletion_time on a fresh version is one scheduled by delete_version_after.
      const { deletedAt: _scheduled, ...meta } = toVersionMeta(dataOf(r.body, 'write response'));
      return meta;
    },

    async get(tenantId, path, version) {
      assertTenantId(tenantId);
      assertSecretPath(path);
      const wanted = checkVersion(version);
      const r = await client.request('GET', at('data', tenantId, path), {
        ...(wanted === undefined ? {} : { query: { version: String(wanted) } }),
      });
      if (r.status === 404) {
        const gone = goneVersionOf(r.body);
        const details = { tenantId, path, version: gone?.version ?? wanted };
        if (gone?.destroyed === true)
          throw new SecretsError(
            'SECRET_VERSION_DESTROYED',
            `version ${gone.version} of ${path} was destroyed`,
            { details },
          );
        if (gone?.deletedAt !== undefined)
          throw new SecretsError(
            'SECRET_VERSION_DELETED',
            `version ${gone.version} of ${path} is deleted`,
            { details: { ...details, deletedAt: gone.deletedAt } },
          );
        throw notFound(tenantId, path, wanted);
      }
      if (r.status !== 200) throw unexpected(r, `the read of ${path}`);
      const data = dataOf(r.body, 'read response');
      const value = toSecretValue(data.data);
      if (value === undefined) throw new SecretsError('SECRET_BACKEND_ERROR', 'Vault sent no data');
      // A 200 is a readable version: a deletion_time in the future is only scheduled.
      const { deletedAt: _scheduled, ...meta } = toVersionMeta(data.metadata);
      return { value, meta };
    },

    async list(tenantId, prefixArg) {
      assertTenantId(tenantId);
      const folder = toFolder(prefixArg);
      const r = await client.request(
        'GET',
        `${mount}/metadata/${encode(`${prefix}${tenantId}/${folder}`)}`,
        {
          query: { list: 'true' },
        },
      );
      if (r.status === 404) return [];
      if (r.status !== 200) throw unexpected(r, 'a list');
      return toKeys(r.body);
    },

    async metadata(tenantId, path) {
      assertTenantId(tenantId);
      assertSecretPath(path);
      return toSecretMeta(path, (await readMetadata(tenantId, path)).body);
    },

    async updateMetadata(tenantId, path, settings) {
      assertTenantId(tenantId);
      assertSecretPath(path);
      const { maxVersions, casRequired } = checkSettings(settings);
      const body = {
        ...(maxVersions === undefined ? {} : { max_versions: maxVersions }),
        ...(casRequired === undefined ? {} : { cas_required: casRequired }),
      };
      const r = await client.request('POST', at('metadata', tenantId, path), { body });
      if (r.status >= 300) throw unexpected(r, `the metadata write of ${path}`);
    },

    async delete(tenantId, path, versions) {
      assertTenantId(tenantId);
      assertSecretPath(path);
      if (versions === undefined) return onExisting(tenantId, path, 'DELETE', 'data');
      return onExisting(tenantId, path, 'POST', 'delete', { versions: checkVersions(versions) });
    },

    async undelete(tenantId, path, versions) {
      assertTenantId(tenantId);
      assertSecretPath(path);
      const list = checkVersions(versions);
      return onExisting(tenantId, path, 'POST', 'undelete', { versions: list });
    },

    async destroy(tenantId, path, versions) {
      assertTenantId(tenantId);
      assertSecretPath(path);
      const list = checkVersions(versions);
      return onExisting(tenantId, path, 'PUT', 'destroy', { versions: list });
    },

    async deleteAll(tenantId, path) {
      assertTenantId(tenantId);
      assertSecretPath(path);
      return onExisting(tenantId, path, 'DELETE', 'metadata');
    },

    async health(): Promise<SecretStoreHealth> {
      try {
        const r = await client.health();
        const body = (r.body ?? {}) as { version?: unknown; sealed?: unknown; standby?: unknown };
        const version = typeof body.version === 'string' ? body.version : 'unknown version';
        const state =
          body.sealed === true ? 'sealed' : body.standby === true ? 'standby' : 'active';
        // 200 active, 429 standby (forwards to the active node), 473 performance standby.
        const ok = [200, 429, 473].includes(r.status);
        return { ok, detail: `vault ${version}: ${state} (${r.status}); mount ${mount}` };
      } catch (err) {
        return { ok: false, detail: (err as Error).message };
      }
    },
  };
}

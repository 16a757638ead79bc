import { z } from 'zod';
import { defineRoute } from '../http/index.ts';
import type { AnyRoute } from '../http/index.ts';
import { holdsPermission, holdsPermissionBelow, IdentityError } from '../identity/index.ts';
import type { Principal } from '../identity/index.ts';
import { assertSecretPath, toFolder } from './secret-path.ts';
import type { SecretMeta, SecretStore, SecretVersionMeta } from './secret-store.ts';
import { DEFAULT_MAX_VALUE_BYTES, toCanonicalSecretJson } from './secret-value.ts';
import { SecretsError } from './secrets-errors.ts';

type SecretsPermission = 'secrets:list' | 'secrets:read' | 'secrets:write';

/** Largest version number, `cas` or `max_versions` (as the store accepts). */
const MAX_NUMBER = 2 ** 31 - 1;
/** Room for a value at the store's default limit, escaped generously, plus `cas`. */
const PUT_BODY_LIMIT = 2 * DEFAULT_MAX_VALUE_BYTES;

/**
 * Turns a secrets check that throws into zod issues. The checks' messages name positions and
 * rules, never the input, so a value sent in the wrong field is not echoed.
 */
function issuesFrom(check: () => unknown, ctx: z.RefinementCtx): void {
  try {
    check();
  } catch (err) {
    if (!(err instanceof SecretsError)) throw err;
    for (const issue of err.issues) {
      // `value.3` → `3`: the builder prefixes the field (`body.value.3`), a position, never a key.
      const [, ...rest] = issue.path.split('.');
      ctx.addIssue({ code: 'custom', message: issue.message, path: rest });
    }
  }
}

// Express 5 gives a `*path` wildcard as its decoded segments; the store takes them joined.
const secretPath = z
  .preprocess(
    (segments) => (Array.isArray(segments) ? segments.join('/') : segments),
    z.string().superRefine((path, ctx) => issuesFrom(() => assertSecretPath(path), ctx)),
  )
  .meta({ type: 'string', description: 'The secret path, `/`-separated (`prod/db`)' });
const pathParams = z.object({ path: secretPath }).strict();
const versionNumber = z.number().int().min(1).max(MAX_NUMBER);
const versionsBody = z.object({ versions: z.array(versionNumber).min(1).max(1000) }).strict();
const secretValue = z
  .custom<Record<string, string>>()
  .superRefine((value, ctx) =>
    issuesFrom(() => toCanonicalSecretJson(value, Number.POSITIVE_INFINITY), ctx),
  )
  .meta({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'String keys to string values; at most 512 KiB as JSON',
  });

const versionMeta = z.object({
  version: z.number().int().min(1),
  created_at: z.string(),
  deleted_at: z.string().nullable(),
  destroyed: z.boolean(),
});
const writtenVersion = versionMeta.extend({ path: z.string() });
const secretMetadata = z.object({
  path: z.string(),
  current_version: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
  cas_required: z.boolean(),
  max_versions: z.number().int(),
  versions: z.array(versionMeta),
});
const secretData = z.object({
  path: z.string(),
  version: z.number().int(),
  created_at: z.string(),
  value: z.record(z.string(), z.string()),
});

const toVersionMeta = (v: SecretVersionMeta) => ({
  version: v.version,
  created_at: v.createdAt,
  deleted_at: v.deletedAt ?? null,
  destroyed: v.destroyed,
});
const toMetadata = (m: SecretMeta) => ({
  path: m.path,
  current_version: m.currentVersion,
  created_at: m.createdAt,
  updated_at: m.updatedAt,
  cas_required: m.casRequired,
  max_versions: m.maxVersions,
  versions: m.versions.map(toVersionMeta),
});

/**
 * The router's gate. `scoped` asks it to let a holder of a path-scoped form of the permission
 * (`secrets:read:soar/*`) through; until the router honours it, only the plain permission
 * passes (fail closed). Every handler checks the path itself with `holdsPermission`.
 */
const gate = (permission: SecretsPermission) =>
  ({ kind: 'permission', permission, scoped: true }) as const;

function who(principal: Principal | undefined): Principal {
  if (!principal) throw new Error('route without a principal');
  return principal;
}

/** The caller, if it holds `permission` on `path`; checked before the store is touched. */
function allowedOn(
  principal: Principal | undefined,
  permission: SecretsPermission,
  path: string,
): Principal {
  const p = who(principal);
  if (!holdsPermission(p, permission, path)) {
    throw new IdentityError(
      'IDENTITY_FORBIDDEN',
      `this needs the permission ${permission} on this path`,
      { details: { permission } },
    );
  }
  return p;
}

const secretResource = ({ params }: { readonly params: { readonly path: string } }) => ({
  type: 'secret',
  id: params.path,
});
const tags = ['secrets'];

/**
 * `/secrets` (list), `/secrets/data/*path` (values), `/secrets/metadata/*path` and
 * `/secrets/{delete,undelete,destroy}/*path`, as Vault KV v2 names them: the operation comes
 * before the secret path, so no secret name can collide with a route. The tenant is always the
 * caller's. Values appear only in the body of a write and of a value read.
 */
export function secretRoutes(store: SecretStore): AnyRoute[] {
  /** `POST /secrets/{delete,undelete,destroy}/*path` with `{ versions }`: one shape, three operations. */
  const versionsRoute = (
    op: 'delete' | 'undelete' | 'destroy',
    summary: string,
    done: string,
    more: { readonly description?: string } = {},
  ): AnyRoute =>
    defineRoute({
      method: 'post',
      path: `/secrets/${op}/*path`,
      audit: { action: `secrets.${op}`, resource: secretResource },
      summary,
      ...more,
      tags,
      access: gate('secrets:write'),
      params: pathParams,
      body: versionsBody,
      responses: { 204: { description: done } },
      handler: async ({ principal, params, body, annotate }) => {
        const p = allowedOn(principal, 'secrets:write', params.path);
        annotate({ versions: body.versions });
        await store[op](p.tenantId, params.path, body.versions);
        return undefined;
      },
    });

  return [
    defineRoute({
      method: 'get',
      path: '/secrets',
      audit: {
        action: 'secrets.list',
        resource: ({ query }) => ({
          type: 'secret-folder',
          id: (query as { prefix?: string } | undefined)?.prefix ?? '',
        }),
      },
      summary: 'The direct children of a folder: secrets, and sub-folders ending with /',
      tags,
      access: gate('secrets:list'),
      query: z
        .object({
          prefix: z
            .string()
            .default('')
            .superRefine((prefix, ctx) => issuesFrom(() => toFolder(prefix), ctx))
            .transform((prefix) => toFolder(prefix))
            .meta({ description: 'The folder (`a/b/`); empty for the root' }),
        })
        .strict(),
      responses: {
        200: {
          description: 'Children, sorted; an unknown folder has none',
          schema: z.object({ prefix: z.string(), keys: z.array(z.string()) }),
        },
      },
      handler: async ({ principal, query }) => {
        const p = who(principal);
        const { prefix } = query;
        if (!holdsPermissionBelow(p, 'secrets:list', prefix)) return { prefix, keys: [] };
        const keys = await store.list(p.tenantId, prefix);
        if (holdsPermission(p, 'secrets:list')) return { prefix, keys };
        // A scoped lister sees the secrets it may list and the folders that lead to them.
        return {
          prefix,
          keys: keys.filter((key) =>
            key.endsWith('/')
              ? holdsPermissionBelow(p, 'secrets:list', `${prefix}${key}`)
              : holdsPermission(p, 'secrets:list', `${prefix}${key}`),
          ),
        };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/secrets/data/*path',
      audit: { action: 'secrets.write', resource: secretResource },
      summary: 'Create a secret or rotate it: writes a new version',
      description:
        '`cas` is the version you expect to be current (0: the secret must not exist yet); a different one fails with 409 and writes nothing. 400 when the secret requires `cas` and none is given.',
      tags,
      access: gate('secrets:write'),
      params: pathParams,
      body: z
        .object({ value: secretValue, cas: z.number().int().min(0).max(MAX_NUMBER).optional() })
        .strict(),
      bodyLimit: PUT_BODY_LIMIT,
      responses: {
        200: { description: 'The version written', schema: writtenVersion },
        409: { description: 'Check-and-set: the current version is not `cas`' },
        413: { description: 'The value is too large' },
      },
      handler: async ({ principal, params, body, annotate }) => {
        const p = allowedOn(principal, 'secrets:write', params.path);
        const options = body.cas === undefined ? {} : { cas: body.cas };
        const meta = await store.put(p.tenantId, params.path, body.value, options);
        annotate({ version: meta.version });
        return { path: params.path, ...toVersionMeta(meta) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/secrets/data/*path',
      audit: { action: 'secrets.read', resource: secretResource },
      summary: 'Read the value of a secret: the latest version, or ?version=N',
      description:
        'Needs `secrets:read` on the path; every read is audited. 404 when there is no such secret or version in your tenant, or the version is deleted or destroyed.',
      tags,
      access: gate('secrets:read'),
      params: pathParams,
      query: z
        .object({
          version: z
            .string()
            .regex(/^[1-9][0-9]{0,9}$/, 'must be a positive integer')
            .transform(Number)
            .pipe(versionNumber)
            .optional(),
        })
        .strict(),
      responses: {
        200: { description: 'The value (sent with Cache-Control: no-store)', schema: secretData },
      },
      handler: async ({ principal, params, query, res, annotate }) => {
        const p = allowedOn(principal, 'secrets:read', params.path);
        if (query.version !== undefined) annotate({ version: query.version });
        const { value, meta } = await store.get(p.tenantId, params.path, query.version);
        annotate({ version: meta.version });
        res.setHeader('Cache-Control', 'no-store');
        return { path: params.path, version: meta.version, created_at: meta.createdAt, value };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/secrets/data/*path',
      audit: { action: 'secrets.delete', resource: secretResource },
      summary: 'Soft-delete the latest version (undelete restores it)',
      tags,
      access: gate('secrets:write'),
      params: pathParams,
      responses: { 204: { description: 'Deleted' } },
      handler: async ({ principal, params }) => {
        const p = allowedOn(principal, 'secrets:write', params.path);
        await store.delete(p.tenantId, params.path);
        return undefined;
      },
    }),
    versionsRoute('delete', 'Soft-delete the listed versions', 'Deleted', {
      description: 'Versions that are unknown, already deleted or destroyed are skipped.',
    }),
    versionsRoute('undelete', 'Restore soft-deleted versions', 'Restored', {
      description: 'Destroyed or unknown versions are skipped.',
    }),
    versionsRoute(
      'destroy',
      'Destroy versions for good; they stay in the metadata, destroyed',
      'Destroyed',
    ),
    defineRoute({
      method: 'get',
      path: '/secrets/metadata/*path',
      audit: { action: 'secrets.metadata.read', resource: secretResource },
      summary: 'A secret’s metadata and versions, never its value',
      tags,
      access: gate('secrets:list'),
      params: pathParams,
      responses: { 200: { description: 'The metadata', schema: secretMetadata } },
      handler: async ({ principal, params }) => {
        const p = allowedOn(principal, 'secrets:list', params.path);
        return toMetadata(await store.metadata(p.tenantId, params.path));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/secrets/metadata/*path',
      audit: { action: 'secrets.update-metadata', resource: secretResource },
      summary: 'Change a secret’s settings (created if the secret does not exist yet)',
      description:
        '`max_versions`: versions kept (0: the store default); `cas_required`: writes must carry `cas`.',
      tags,
      access: gate('secrets:write'),
      params: pathParams,
      body: z
        .object({
          max_versions: z.number().int().min(0).max(MAX_NUMBER).optional(),
          cas_required: z.boolean().optional(),
        })
        .strict(),
      responses: { 204: { description: 'Changed' } },
      handler: async ({ principal, params, body, annotate }) => {
        const p = allowedOn(principal, 'secrets:write', params.path);
        const settings = {
          ...(body.max_versions === undefined ? {} : { maxVersions: body.max_versions }),
          ...(body.cas_required === undefined ? {} : { casRequired: body.cas_required }),
        };
        annotate(settings);
        await store.updateMetadata(p.tenantId, params.path, settings);
        return undefined;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/secrets/metadata/*path',
      audit: { action: 'secrets.delete-all', resource: secretResource },
      summary: 'Delete a secret entirely: its metadata and every version',
      description: 'The next write starts again at version 1.',
      tags,
      access: gate('secrets:write'),
      params: pathParams,
      responses: { 204: { description: 'Deleted' } },
      handler: async ({ principal, params }) => {
        const p = allowedOn(principal, 'secrets:write', params.path);
        await store.deleteAll(p.tenantId, params.path);
        return undefined;
      },
    }),
  ];
}

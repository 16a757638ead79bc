import { createHash } from 'node:crypto';
import type { Clock } from '../clock/index.ts';
import { defineErrors } from '../errors/index.ts';
import type { IdGenerator } from '../ids/index.ts';
import { PlatformError } from '../errors/index.ts';
import { sql } from '../storage/index.ts';
import { permissionsOf } from './roles.ts';
import type { RelationalStore } from '../storage/index.ts';

export const IdentityError = defineErrors('IdentityError', {
  IDENTITY_UNAUTHENTICATED: 'unauthenticated',
  IDENTITY_FORBIDDEN: 'forbidden',
  IDENTITY_TOKEN_EXISTS: 'conflict',
  IDENTITY_TOKEN_NOT_FOUND: 'not_found',
  IDENTITY_INVALID_CREDENTIALS: 'unauthenticated',
  IDENTITY_INVALID_GRANT: 'unauthenticated',
  IDENTITY_INVALID_CLIENT: 'unauthenticated',
  IDENTITY_WEAK_PASSWORD: 'invalid',
  IDENTITY_INVALID_INPUT: 'invalid',
  IDENTITY_INVALID_ROLE: 'invalid',
  IDENTITY_USER_EXISTS: 'conflict',
  IDENTITY_USER_NOT_FOUND: 'not_found',
  IDENTITY_AGENT_EXISTS: 'conflict',
  IDENTITY_AGENT_NOT_FOUND: 'not_found',
  IDENTITY_NOT_PROVISIONED: 'forbidden',
  IDENTITY_OIDC_FAILED: 'unauthenticated',
  IDENTITY_OIDC_UNAVAILABLE: 'unavailable',
  IDENTITY_KEY_UNAVAILABLE: 'internal',
});
export type IdentityError = InstanceType<typeof IdentityError>;

/** Who is calling: a person, an automation agent or an API token, inside one tenant. */
export interface Principal {
  readonly id: string;
  readonly name: string;
  readonly kind: 'user' | 'agent' | 'api-token';
  readonly tenantId: string;
  readonly roles: readonly string[];
  /** Effective permissions: the roles' permissions plus active just-in-time grants. */
  readonly permissions: ReadonlySet<string>;
  /** Permissions held only through an active elevation (each use is audited). */
  readonly elevated?: ReadonlySet<string>;
}

/** The tenant the bootstrap administrator and single-tenant installations use. */
export const DEFAULT_TENANT = 'default';

export interface ApiTokenRecord {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly tokenHint: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

/** Platform API tokens look like `sat_<43 chars>`; the prefix lets secret scanners find leaks. */
export const API_TOKEN_PREFIX = 'sat_';

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

interface Row {
  id: string;
  name: string;
  role: string;
  token_hash: string;
  token_hint: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/**
 * Long-lived API tokens for automation and the bootstrap administrator. Stored as SHA-256
 * hashes (the tokens are 256-bit random, so a fast hash is enough); shown once at creation.
 */
export function createApiTokens(deps: { store: RelationalStore; clock: Clock; ids: IdGenerator }) {
  const cache = new Map<string, { principal: Principal | undefined; until: number }>();
  return {
    async create(name: string, role: string): Promise<{ record: ApiTokenRecord; token: string }> {
      const token = API_TOKEN_PREFIX + deps.ids.token(32);
      const record: ApiTokenRecord = {
        id: deps.ids.uuidv7(),
        name,
        role,
        tokenHint: token.slice(-4),
        createdAt: deps.clock.now(),
        lastUsedAt: null,
        revokedAt: null,
      };
      try {
        await deps.store.execute(
          sql`INSERT INTO platform_api_tokens (id, name, role, token_hash, token_hint, created_at) VALUES (${record.id}, ${name}, ${role}, ${hash(token)}, ${record.tokenHint}, ${record.createdAt})`,
        );
      } catch (err) {
        if (err instanceof PlatformError && err.code === 'STORAGE_CONFLICT')
          throw new IdentityError('IDENTITY_TOKEN_EXISTS', `a token named ${name} already exists`, {
            cause: err,
          });
        throw err;
      }
      return { record, token };
    },
    async list(): Promise<ApiTokenRecord[]> {
      const rows = await deps.store.query<Row & Record<string, unknown>>(
        sql`SELECT * FROM platform_api_tokens ORDER BY created_at`,
      );
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        role: r.role,
        tokenHint: r.token_hint,
        createdAt: r.created_at,
        lastUsedAt: r.last_used_at,
        revokedAt: r.revoked_at,
      }));
    },
    async revoke(name: string): Promise<void> {
      const { rowCount } = await deps.store.execute(
        sql`UPDATE platform_api_tokens SET revoked_at = ${deps.clock.now()} WHERE name = ${name} AND revoked_at IS NULL`,
      );
      if (rowCount === 0)
        throw new IdentityError('IDENTITY_TOKEN_NOT_FOUND', `no active token named ${name}`);
      cache.clear();
    },
    /** The principal of a token; throws IDENTITY_UNAUTHENTICATED for unknown or revoked ones. */
    async authenticate(token: string): Promise<Principal> {
      const key = hash(token);
      const now = deps.clock.now();
      let entry = cache.get(key);
      if (!entry || entry.until < now) {
        const row = await deps.store.queryOne<Row & Record<string, unknown>>(
          sql`SELECT * FROM platform_api_tokens WHERE token_hash = ${key} AND revoked_at IS NULL`,
        );
        entry = {
          principal: row
            ? {
                id: row.id,
                name: row.name,
                kind: 'api-token',
                tenantId: DEFAULT_TENANT,
                roles: [row.role],
                permissions: permissionsOf([row.role]),
              }
            : undefined,
          until: now + 5_000,
        };
        if (cache.size > 10_000) cache.clear();
        cache.set(key, entry);
      }
      if (!entry.principal)
        throw new IdentityError('IDENTITY_UNAUTHENTICATED', 'unknown or revoked token');
      return entry.principal;
    },
  };
}

export type ApiTokens = ReturnType<typeof createApiTokens>;

import { PlatformError } from '../errors/index.ts';
import { sql } from '../storage/index.ts';
import type { SqlExecutor } from '../storage/index.ts';
import { IdentityError } from './api-tokens.ts';
import type { LockoutState } from './lockout.ts';

/** A person's account in one tenant. The password hash never leaves the repository's callers. */
export interface UserRecord {
  readonly id: string;
  readonly tenantId: string;
  /** Lowercased, unique in the tenant. */
  readonly username: string;
  readonly displayName: string | null;
  readonly roles: readonly string[];
  /** Locked by an administrator (until unlocked); distinct from a lockout after failures. */
  readonly locked: boolean;
  readonly lockout: LockoutState;
  readonly hasPassword: boolean;
  /** The OpenID provider identity this account is linked to, if any. */
  readonly oidc: { readonly issuer: string; readonly subject: string } | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly lastLoginAt: number | null;
}

export interface UserRow {
  id: string;
  tenant_id: string;
  username: string;
  display_name: string | null;
  password_hash: string | null;
  roles: string;
  locked: number;
  failed_attempts: number;
  lockouts: number;
  locked_until: number | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
  [column: string]: unknown;
}

export function toUserRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    username: row.username,
    displayName: row.display_name,
    roles: JSON.parse(row.roles) as string[],
    locked: row.locked === 1,
    lockout: {
      failedAttempts: row.failed_attempts,
      lockouts: row.lockouts,
      lockedUntil: row.locked_until,
    },
    hasPassword: row.password_hash !== null,
    oidc:
      row.oidc_issuer !== null && row.oidc_subject !== null
        ? { issuer: row.oidc_issuer, subject: row.oidc_subject }
        : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
  };
}

export interface NewUserRow {
  readonly id: string;
  readonly tenantId: string;
  readonly username: string;
  readonly displayName: string | null;
  readonly passwordHash: string | null;
  readonly roles: readonly string[];
  readonly oidc: { readonly issuer: string; readonly subject: string } | null;
  readonly now: number;
}

export interface UserChanges {
  readonly displayName?: string | null;
  readonly roles?: readonly string[];
  readonly locked?: boolean;
  readonly passwordHash?: string;
  readonly lockout?: LockoutState;
  readonly lastLoginAt?: number;
}

const TABLE = sql.raw('platform_users');
const forUpdate = sql.dialect({ sqlite: sql``, postgres: sql`FOR UPDATE` });

/** SQL for user accounts. Every statement is scoped by tenant. */
export const userRepository = {
  async insert(ex: SqlExecutor, user: NewUserRow): Promise<void> {
    try {
      await ex.execute(sql`INSERT INTO ${TABLE}
        (id, tenant_id, username, display_name, password_hash, roles, oidc_issuer, oidc_subject, created_at, updated_at)
        VALUES (${user.id}, ${user.tenantId}, ${user.username}, ${user.displayName}, ${user.passwordHash},
                ${JSON.stringify(user.roles)}, ${user.oidc?.issuer ?? null}, ${user.oidc?.subject ?? null},
                ${user.now}, ${user.now})`);
    } catch (err) {
      if (err instanceof PlatformError && err.code === 'STORAGE_CONFLICT')
        throw new IdentityError('IDENTITY_USER_EXISTS', `a user named ${user.username} exists`, {
          cause: err,
        });
      throw err;
    }
  },

  async byId(ex: SqlExecutor, tenantId: string, id: string, lock = false) {
    return ex.queryOne<UserRow>(
      sql`SELECT * FROM ${TABLE} WHERE tenant_id = ${tenantId} AND id = ${id} ${lock ? forUpdate : sql``}`,
    );
  },

  async byUsername(ex: SqlExecutor, tenantId: string, username: string) {
    return ex.queryOne<UserRow>(
      sql`SELECT * FROM ${TABLE} WHERE tenant_id = ${tenantId} AND username = ${username}`,
    );
  },

  async byExternal(ex: SqlExecutor, tenantId: string, issuer: string, subject: string) {
    return ex.queryOne<UserRow>(
      sql`SELECT * FROM ${TABLE} WHERE tenant_id = ${tenantId} AND oidc_issuer = ${issuer} AND oidc_subject = ${subject}`,
    );
  },

  async list(ex: SqlExecutor, tenantId: string, limit: number, offset: number) {
    return ex.query<UserRow>(
      sql`SELECT * FROM ${TABLE} WHERE tenant_id = ${tenantId} ORDER BY username LIMIT ${limit} OFFSET ${offset}`,
    );
  },

  /** Applies changes; false when there is no such user in the tenant. */
  async update(
    ex: SqlExecutor,
    tenantId: string,
    id: string,
    changes: UserChanges,
    now: number,
  ): Promise<boolean> {
    const sets = [sql`updated_at = ${now}`];
    if (changes.displayName !== undefined) sets.push(sql`display_name = ${changes.displayName}`);
    if (changes.roles !== undefined) sets.push(sql`roles = ${JSON.stringify(changes.roles)}`);
    if (changes.locked !== undefined) sets.push(sql`locked = ${changes.locked ? 1 : 0}`);
    if (changes.passwordHash !== undefined) sets.push(sql`password_hash = ${changes.passwordHash}`);
    if (changes.lastLoginAt !== undefined) sets.push(sql`last_login_at = ${changes.lastLoginAt}`);
    if (changes.lockout !== undefined) {
      sets.push(
        sql`failed_attempts = ${changes.lockout.failedAttempts}`,
        sql`lockouts = ${changes.lockout.lockouts}`,
        sql`locked_until = ${changes.lockout.lockedUntil}`,
      );
    }
    const { rowCount } = await ex.execute(
      sql`UPDATE ${TABLE} SET ${sql.join(sets)} WHERE tenant_id = ${tenantId} AND id = ${id}`,
    );
    return rowCount > 0;
  },
};

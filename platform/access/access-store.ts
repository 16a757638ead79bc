import type { Clock } from '../clock/index.ts';
import { defineErrors } from '../errors/index.ts';
import { PlatformError } from '../errors/index.ts';
import type { IdGenerator } from '../ids/index.ts';
import { BUILT_IN_ROLES, DEFAULT_TENANT, isGrantablePermission } from '../identity/index.ts';
import type { Principal } from '../identity/index.ts';
import { sql } from '../storage/index.ts';
import type { RelationalStore } from '../storage/index.ts';

export const AccessError = defineErrors('AccessError', {
  ACCESS_INVALID: 'invalid',
  ACCESS_TENANT_EXISTS: 'conflict',
  ACCESS_TENANT_NOT_FOUND: 'not_found',
  ACCESS_ROLE_EXISTS: 'conflict',
  ACCESS_ROLE_NOT_FOUND: 'not_found',
  ACCESS_ROLE_BUILT_IN: 'conflict',
  ACCESS_UNKNOWN_PERMISSION: 'invalid',
  ACCESS_ELEVATION_NOT_FOUND: 'not_found',
  ACCESS_ELEVATION_NOT_PENDING: 'conflict',
  ACCESS_SELF_APPROVAL: 'forbidden',
  ACCESS_OPERATOR_ONLY: 'forbidden',
});
export type AccessError = InstanceType<typeof AccessError>;

export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly disabled: boolean;
  readonly createdAt: number;
}

export interface Role {
  readonly name: string;
  readonly description: string;
  readonly permissions: readonly string[];
  readonly builtIn: boolean;
}

export type ElevationStatus = 'requested' | 'approved' | 'denied' | 'expired' | 'revoked';

export interface Elevation {
  readonly id: string;
  readonly tenantId: string;
  readonly principalId: string;
  readonly principalName: string;
  readonly role: string;
  readonly reason: string;
  readonly minutes: number;
  readonly status: ElevationStatus;
  readonly requestedAt: number;
  readonly decidedBy: string | null;
  readonly decidedAt: number | null;
  readonly expiresAt: number | null;
}

const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const ROLE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Longest elevation a request may ask for. */
export const MAX_ELEVATION_MINUTES = 480;

interface ElevationRow {
  id: string;
  tenant_id: string;
  principal_id: string;
  principal_name: string;
  role: string;
  reason: string;
  minutes: number;
  status: ElevationStatus;
  requested_at: number;
  decided_by: string | null;
  decided_at: number | null;
  expires_at: number | null;
}

function toElevation(r: ElevationRow, now: number): Elevation {
  const expired = r.status === 'approved' && r.expires_at !== null && r.expires_at <= now;
  return {
    id: r.id,
    tenantId: r.tenant_id,
    principalId: r.principal_id,
    principalName: r.principal_name,
    role: r.role,
    reason: r.reason,
    minutes: r.minutes,
    status: expired ? 'expired' : r.status,
    requestedAt: r.requested_at,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    expiresAt: r.expires_at,
  };
}

/**
 * Tenants, custom roles and just-in-time elevation, all scoped by tenant. Built-in roles exist
 * in every tenant and cannot be changed; custom role permissions must be in the catalog, or be a
 * path-scoped secrets permission (`secrets:read:soar/*`).
 */
export function createAccessStore(deps: {
  store: RelationalStore;
  clock: Clock;
  ids: IdGenerator;
}) {
  const { store, clock, ids } = deps;
  const roleCache = new Map<
    string,
    { roles: Map<string, readonly string[]>; details: Role[]; until: number }
  >();
  const grantCache = new Map<string, { roles: readonly string[]; until: number }>();
  const CACHE_MS = 5_000;

  const requireOperator = (principal: Principal): void => {
    if (principal.tenantId !== DEFAULT_TENANT)
      throw new AccessError('ACCESS_OPERATOR_ONLY', 'tenants are managed from the operator tenant');
  };

  const checkPermissions = (permissions: readonly string[]): void => {
    const unknown = permissions.filter((p) => !isGrantablePermission(p));
    if (unknown.length > 0) {
      throw new AccessError(
        'ACCESS_UNKNOWN_PERMISSION',
        `unknown permissions: ${unknown.join(', ')}`,
        {
          issues: unknown.map((p) => ({
            path: 'body.permissions',
            message: `unknown permission ${p}`,
          })),
        },
      );
    }
  };

  return {
    async ensureDefaultTenant(): Promise<void> {
      await store.execute(
        sql`INSERT INTO access_tenants (id, name, created_at) VALUES (${DEFAULT_TENANT}, ${'Default'}, ${clock.now()}) ON CONFLICT (id) DO NOTHING`,
      );
    },

    /** Every tenant's id, for platform work that runs per tenant (not a principal's view). */
    async tenantIds(): Promise<string[]> {
      const rows = await store.query<{ id: string }>(
        sql`SELECT id FROM access_tenants ORDER BY id`,
      );
      return rows.map((r) => r.id);
    },

    async listTenants(principal: Principal): Promise<Tenant[]> {
      const rows =
        principal.tenantId === DEFAULT_TENANT
          ? await store.query<{ id: string; name: string; disabled: number; created_at: number }>(
              sql`SELECT * FROM access_tenants ORDER BY id`,
            )
          : await store.query<{ id: string; name: string; disabled: number; created_at: number }>(
              sql`SELECT * FROM access_tenants WHERE id = ${principal.tenantId}`,
            );
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        disabled: r.disabled === 1,
        createdAt: r.created_at,
      }));
    },

    async createTenant(principal: Principal, id: string, name: string): Promise<Tenant> {
      requireOperator(principal);
      if (!TENANT_ID.test(id))
        throw new AccessError(
          'ACCESS_INVALID',
          'a tenant id is lower-case letters, digits and dashes',
          { issues: [{ path: 'body.id', message: 'lower-case letters, digits and dashes' }] },
        );
      const tenant: Tenant = { id, name, disabled: false, createdAt: clock.now() };
      try {
        await store.execute(
          sql`INSERT INTO access_tenants (id, name, created_at) VALUES (${id}, ${name}, ${tenant.createdAt})`,
        );
      } catch (err) {
        if (err instanceof PlatformError && err.code === 'STORAGE_CONFLICT')
          throw new AccessError('ACCESS_TENANT_EXISTS', `tenant ${id} exists`, { cause: err });
        throw err;
      }
      return tenant;
    },

    async updateTenant(
      principal: Principal,
      id: string,
      change: { name?: string | undefined; disabled?: boolean | undefined },
    ): Promise<Tenant> {
      requireOperator(principal);
      const current = await store.queryOne<{
        id: string;
        name: string;
        disabled: number;
        created_at: number;
      }>(sql`SELECT * FROM access_tenants WHERE id = ${id}`);
      if (!current) throw new AccessError('ACCESS_TENANT_NOT_FOUND', `no tenant ${id}`);
      const next = {
        name: change.name ?? current.name,
        disabled: change.disabled ?? current.disabled === 1,
      };
      if (id === DEFAULT_TENANT && next.disabled)
        throw new AccessError('ACCESS_OPERATOR_ONLY', 'the operator tenant cannot be disabled');
      await store.execute(
        sql`UPDATE access_tenants SET name = ${next.name}, disabled = ${next.disabled} WHERE id = ${id}`,
      );
      return { id, name: next.name, disabled: next.disabled, createdAt: current.created_at };
    },

    async listRoles(tenantId: string): Promise<Role[]> {
      return [
        ...Object.entries(BUILT_IN_ROLES).map(([name, r]) => ({
          name,
          description: r.description,
          permissions: [...r.permissions],
          builtIn: true,
        })),
        ...(await this.customRoleDetails(tenantId)),
      ];
    },

    /** Custom roles of a tenant with their descriptions, cached for a few seconds. */
    async customRoleDetails(tenantId: string): Promise<Role[]> {
      const now = clock.now();
      const hit = roleCache.get(tenantId);
      if (hit && hit.until > now) return hit.details;
      const rows = await store.query<{ name: string; description: string; permissions: string }>(
        sql`SELECT name, description, permissions FROM access_roles WHERE tenant_id = ${tenantId} ORDER BY name`,
      );
      const details = rows.map((r) => ({
        name: r.name,
        description: r.description,
        permissions: JSON.parse(r.permissions) as string[],
        builtIn: false,
      }));
      roleCache.set(tenantId, {
        roles: new Map(details.map((d) => [d.name, d.permissions])),
        details,
        until: now + CACHE_MS,
      });
      return details;
    },

    async getRole(tenantId: string, name: string): Promise<Role> {
      const role = (await this.listRoles(tenantId)).find((r) => r.name === name);
      if (!role) throw new AccessError('ACCESS_ROLE_NOT_FOUND', `no role ${name}`);
      return role;
    },

    async createRole(
      tenantId: string,
      name: string,
      description: string,
      permissions: readonly string[],
    ): Promise<Role> {
      if (!ROLE_NAME.test(name))
        throw new AccessError(
          'ACCESS_INVALID',
          'a role name is lower-case letters, digits and dashes',
          { issues: [{ path: 'body.name', message: 'lower-case letters, digits and dashes' }] },
        );
      if (Object.hasOwn(BUILT_IN_ROLES, name))
        throw new AccessError('ACCESS_ROLE_BUILT_IN', `${name} is a built-in role`);
      checkPermissions(permissions);
      const now = clock.now();
      try {
        await store.execute(
          sql`INSERT INTO access_roles (tenant_id, name, description, permissions, created_at, updated_at) VALUES (${tenantId}, ${name}, ${description}, ${JSON.stringify([...new Set(permissions)].sort())}, ${now}, ${now})`,
        );
      } catch (err) {
        if (err instanceof PlatformError && err.code === 'STORAGE_CONFLICT')
          throw new AccessError('ACCESS_ROLE_EXISTS', `role ${name} exists`, { cause: err });
        throw err;
      }
      roleCache.delete(tenantId);
      return { name, description, permissions: [...new Set(permissions)].sort(), builtIn: false };
    },

    async updateRole(
      tenantId: string,
      name: string,
      change: { description?: string | undefined; permissions?: readonly string[] | undefined },
    ): Promise<Role> {
      if (Object.hasOwn(BUILT_IN_ROLES, name))
        throw new AccessError(
          'ACCESS_ROLE_BUILT_IN',
          `${name} is a built-in role and cannot be changed`,
        );
      const current = await this.getRole(tenantId, name);
      if (change.permissions) checkPermissions(change.permissions);
      const next = {
        description: change.description ?? current.description,
        permissions: [...new Set(change.permissions ?? current.permissions)].sort(),
      };
      await store.execute(
        sql`UPDATE access_roles SET description = ${next.description}, permissions = ${JSON.stringify(next.permissions)}, updated_at = ${clock.now()} WHERE tenant_id = ${tenantId} AND name = ${name}`,
      );
      roleCache.delete(tenantId);
      return { name, ...next, builtIn: false };
    },

    async deleteRole(tenantId: string, name: string): Promise<void> {
      if (Object.hasOwn(BUILT_IN_ROLES, name))
        throw new AccessError(
          'ACCESS_ROLE_BUILT_IN',
          `${name} is a built-in role and cannot be deleted`,
        );
      const { rowCount } = await store.execute(
        sql`DELETE FROM access_roles WHERE tenant_id = ${tenantId} AND name = ${name}`,
      );
      if (rowCount === 0) throw new AccessError('ACCESS_ROLE_NOT_FOUND', `no role ${name}`);
      roleCache.delete(tenantId);
    },

    /** Custom roles of a tenant (name → permissions), cached for a few seconds. */
    async customRoles(tenantId: string): Promise<ReadonlyMap<string, readonly string[]>> {
      await this.customRoleDetails(tenantId);
      return roleCache.get(tenantId)?.roles ?? new Map<string, readonly string[]>();
    },

    async requestElevation(
      principal: Principal,
      role: string,
      minutes: number,
      reason: string,
    ): Promise<Elevation> {
      await this.getRole(principal.tenantId, role);
      const now = clock.now();
      const id = ids.uuidv7();
      await store.execute(
        sql`INSERT INTO access_elevations (id, tenant_id, principal_id, principal_name, role, reason, minutes, status, requested_at) VALUES (${id}, ${principal.tenantId}, ${principal.id}, ${principal.name}, ${role}, ${reason}, ${minutes}, ${'requested'}, ${now})`,
      );
      return {
        id,
        tenantId: principal.tenantId,
        principalId: principal.id,
        principalName: principal.name,
        role,
        reason,
        minutes,
        status: 'requested',
        requestedAt: now,
        decidedBy: null,
        decidedAt: null,
        expiresAt: null,
      };
    },

    async getElevation(tenantId: string, id: string): Promise<Elevation> {
      const row = await store.queryOne<ElevationRow & Record<string, unknown>>(
        sql`SELECT * FROM access_elevations WHERE tenant_id = ${tenantId} AND id = ${id}`,
      );
      if (!row) throw new AccessError('ACCESS_ELEVATION_NOT_FOUND', `no elevation ${id}`);
      return toElevation(row, clock.now());
    },

    /** Elevations of a tenant; `principalId` narrows to one principal's own. */
    async listElevations(tenantId: string, principalId?: string): Promise<Elevation[]> {
      const rows =
        principalId === undefined
          ? await store.query<ElevationRow & Record<string, unknown>>(
              sql`SELECT * FROM access_elevations WHERE tenant_id = ${tenantId} ORDER BY requested_at DESC LIMIT 500`,
            )
          : await store.query<ElevationRow & Record<string, unknown>>(
              sql`SELECT * FROM access_elevations WHERE tenant_id = ${tenantId} AND principal_id = ${principalId} ORDER BY requested_at DESC LIMIT 500`,
            );
      const now = clock.now();
      return rows.map((r) => toElevation(r, now));
    },

    /** Approves or denies a pending request; nobody decides on their own request. */
    async decideElevation(approver: Principal, id: string, approve: boolean): Promise<Elevation> {
      return store.transaction(async (tx) => {
        const row = await tx.queryOne<ElevationRow & Record<string, unknown>>(
          sql`SELECT * FROM access_elevations WHERE tenant_id = ${approver.tenantId} AND id = ${id}`,
        );
        if (!row) throw new AccessError('ACCESS_ELEVATION_NOT_FOUND', `no elevation ${id}`);
        if (row.status !== 'requested')
          throw new AccessError('ACCESS_ELEVATION_NOT_PENDING', `elevation ${id} is ${row.status}`);
        if (row.principal_id === approver.id)
          throw new AccessError(
            'ACCESS_SELF_APPROVAL',
            'an elevation must be approved by someone else',
          );
        const now = clock.now();
        const status: ElevationStatus = approve ? 'approved' : 'denied';
        const expiresAt = approve ? now + row.minutes * 60_000 : null;
        await tx.execute(
          sql`UPDATE access_elevations SET status = ${status}, decided_by = ${approver.id}, decided_at = ${now}, expires_at = ${expiresAt} WHERE id = ${id}`,
        );
        grantCache.delete(`${row.tenant_id}\u0000${row.principal_id}`);
        return toElevation(
          { ...row, status, decided_by: approver.id, decided_at: now, expires_at: expiresAt },
          now,
        );
      });
    },

    /** Ends an approved elevation early (the holder or an approver). */
    async revokeElevation(principal: Principal, id: string): Promise<Elevation> {
      const current = await this.getElevation(principal.tenantId, id);
      if (current.status !== 'approved' && current.status !== 'requested')
        throw new AccessError(
          'ACCESS_ELEVATION_NOT_PENDING',
          `elevation ${id} is ${current.status}`,
        );
      const now = clock.now();
      await store.execute(
        sql`UPDATE access_elevations SET status = ${'revoked'}, decided_at = ${now}, expires_at = ${now} WHERE id = ${id} AND tenant_id = ${principal.tenantId}`,
      );
      grantCache.delete(`${principal.tenantId}\u0000${current.principalId}`);
      return { ...current, status: 'revoked', expiresAt: now };
    },

    /** Roles a principal holds right now through approved, unexpired elevations (cached briefly). */
    async activeGrants(tenantId: string, principalId: string): Promise<readonly string[]> {
      const now = clock.now();
      const key = `${tenantId}\u0000${principalId}`;
      const hit = grantCache.get(key);
      if (hit && hit.until > now) return hit.roles;
      const rows = await store.query<{ role: string; expires_at: number }>(
        sql`SELECT role, expires_at FROM access_elevations WHERE tenant_id = ${tenantId} AND principal_id = ${principalId} AND status = ${'approved'} AND expires_at > ${now}`,
      );
      const roles = rows.map((r) => r.role);
      // Cached no longer than the nearest expiry: a grant ends on time.
      const nearest = Math.min(now + CACHE_MS, ...rows.map((r) => r.expires_at));
      grantCache.set(key, { roles, until: nearest });
      return roles;
    },
  };
}

export type AccessStore = ReturnType<typeof createAccessStore>;

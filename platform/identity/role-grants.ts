import { IdentityError } from './api-tokens.ts';
import type { Principal } from './api-tokens.ts';
import { BUILT_IN_ROLES, permissionsOf } from './roles.ts';
import { coversPermission } from './scoped-permissions.ts';

/** The custom roles of a tenant: role name → its permissions. */
export type CustomRolesOf = (tenantId: string) => Promise<ReadonlyMap<string, readonly string[]>>;

/** Until custom roles are wired: none. */
export const noCustomRoles: CustomRolesOf = () => Promise.resolve(new Map());

/** Role names are short identifiers, as the built-in ones are. */
export const ROLE_NAME = /^[a-z][a-z0-9._-]{0,63}$/;

/** Throws IDENTITY_INVALID_ROLE listing each role that is neither built in nor a tenant's custom role. */
export async function assertRolesExist(
  customRolesOf: CustomRolesOf,
  tenantId: string,
  roles: readonly string[],
  field = 'roles',
): Promise<void> {
  const custom = await customRolesOf(tenantId);
  const unknown = roles.filter((r) => !Object.hasOwn(BUILT_IN_ROLES, r) && !custom.has(r));
  if (unknown.length > 0) {
    throw new IdentityError('IDENTITY_INVALID_ROLE', `unknown role: ${unknown.join(', ')}`, {
      issues: unknown.map((r) => ({ path: field, message: `unknown role ${r}` })),
    });
  }
}

/**
 * Refuses to let a principal hand out permissions it does not hold itself, so `users:write` or
 * `agents:write` cannot be turned into `admin` (privilege escalation through provisioning). A
 * plain permission covers its path-scoped forms (`secrets:read` covers `secrets:read:soar/*`).
 */
export async function assertMayGrant(
  customRolesOf: CustomRolesOf,
  principal: Principal,
  roles: readonly string[],
): Promise<void> {
  const granted = permissionsOf(roles, await customRolesOf(principal.tenantId));
  const missing = [...granted].filter((p) => !coversPermission(principal, p));
  if (missing.length > 0) {
    throw new IdentityError(
      'IDENTITY_FORBIDDEN',
      'these roles carry permissions you do not hold yourself',
      { details: { missing } },
    );
  }
}

/** Removes duplicates, keeping the first occurrence's order. */
export function uniqueRoles(roles: readonly string[]): string[] {
  return [...new Set(roles)];
}

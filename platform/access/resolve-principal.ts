import { permissionsOf } from '../identity/index.ts';
import type { Principal } from '../identity/index.ts';
import type { AccessStore } from './access-store.ts';

/**
 * The principal with its tenant's custom roles expanded and its active elevations added: what
 * every authenticated request runs with. Permissions only an elevation gives are marked
 * `elevated` so their use can be audited.
 */
export function createPrincipalResolver(access: AccessStore) {
  // Permission sets per (tenant's custom roles, roles): rebuilt only when a tenant's roles change.
  const memo = new WeakMap<ReadonlyMap<string, readonly string[]>, Map<string, Set<string>>>();
  const permissionsFor = (
    roles: readonly string[],
    custom: ReadonlyMap<string, readonly string[]>,
  ): Set<string> => {
    let byRoles = memo.get(custom);
    if (!byRoles) {
      byRoles = new Map();
      memo.set(custom, byRoles);
    }
    const key = roles.join('\u0000');
    let set = byRoles.get(key);
    if (!set) {
      set = permissionsOf(roles, custom);
      if (byRoles.size < 1000) byRoles.set(key, set);
    }
    return set;
  };
  return async (principal: Principal): Promise<Principal> => {
    const [custom, grants] = await Promise.all([
      access.customRoles(principal.tenantId),
      access.activeGrants(principal.tenantId, principal.id),
    ]);
    const base = permissionsFor(principal.roles, custom);
    if (grants.length === 0) return { ...principal, permissions: base };
    const granted = permissionsOf(grants, custom);
    const elevated = new Set([...granted].filter((p) => !base.has(p)));
    return {
      ...principal,
      roles: [...principal.roles, ...grants.filter((g) => !principal.roles.includes(g))],
      permissions: new Set([...base, ...granted]),
      elevated,
    };
  };
}

export type PrincipalResolver = ReturnType<typeof createPrincipalResolver>;

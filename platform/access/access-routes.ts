import { z } from 'zod';
import { defineRoute, idOf } from '../http/index.ts';
import type { AnyRoute } from '../http/index.ts';
import type { Principal } from '../identity/index.ts';
import { AccessError, MAX_ELEVATION_MINUTES } from './access-store.ts';
import type { AccessStore, Elevation, Role, Tenant } from './access-store.ts';

const tenant = z.object({
  id: z.string(),
  name: z.string(),
  disabled: z.boolean(),
  created_at: z.string(),
});
const role = z.object({
  name: z.string(),
  description: z.string(),
  permissions: z.array(z.string()),
  built_in: z.boolean(),
});
const elevation = z.object({
  id: z.string(),
  principal_id: z.string(),
  principal_name: z.string(),
  role: z.string(),
  reason: z.string(),
  minutes: z.number().int(),
  status: z.enum(['requested', 'approved', 'denied', 'expired', 'revoked']),
  requested_at: z.string(),
  decided_by: z.string().nullable(),
  decided_at: z.string().nullable(),
  expires_at: z.string().nullable(),
});
const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes');
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const toTenant = (t: Tenant) => ({
  id: t.id,
  name: t.name,
  disabled: t.disabled,
  created_at: new Date(t.createdAt).toISOString(),
});
const toRole = (r: Role) => ({
  name: r.name,
  description: r.description,
  permissions: [...r.permissions],
  built_in: r.builtIn,
});
const toElevation = (e: Elevation) => ({
  id: e.id,
  principal_id: e.principalId,
  principal_name: e.principalName,
  role: e.role,
  reason: e.reason,
  minutes: e.minutes,
  status: e.status,
  requested_at: new Date(e.requestedAt).toISOString(),
  decided_by: e.decidedBy,
  decided_at: iso(e.decidedAt),
  expires_at: iso(e.expiresAt),
});

function who(principal: Principal | undefined): Principal {
  if (!principal) throw new Error('route without a principal');
  return principal;
}

/** `/tenants`, `/rbac/roles` and `/elevations`. */
export function accessRoutes(access: AccessStore): AnyRoute[] {
  const idParam = z.object({ id: z.string().min(1).max(128) });
  const nameParam = z.object({ name });
  return [
    defineRoute({
      method: 'get',
      path: '/tenants',
      summary: 'Tenants (all of them from the operator tenant; otherwise your own)',
      tags: ['tenants'],
      access: { kind: 'permission', permission: 'tenants:read' },
      responses: {
        200: { description: 'Tenants', schema: z.object({ tenants: z.array(tenant) }) },
      },
      handler: async ({ principal }) => ({
        tenants: (await access.listTenants(who(principal))).map(toTenant),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/tenants',
      audit: {
        action: 'tenants.create',
        resource: ({ result }) => ({ type: 'tenant', ...idOf(result) }),
      },
      summary: 'Create a tenant (operator tenant only)',
      tags: ['tenants'],
      access: { kind: 'permission', permission: 'tenants:write' },
      body: z.object({ id: name, name: z.string().min(1).max(200) }).strict(),
      responses: {
        201: { description: 'Created', schema: tenant },
        409: { description: 'Exists' },
      },
      handler: async ({ principal, body }) =>
        toTenant(await access.createTenant(who(principal), body.id, body.name)),
    }),
    defineRoute({
      method: 'patch',
      path: '/tenants/:id',
      audit: {
        action: 'tenants.update',
        resource: ({ params }) => ({ type: 'tenant', id: params.id }),
      },
      summary: 'Rename, disable or enable a tenant (operator tenant only)',
      tags: ['tenants'],
      access: { kind: 'permission', permission: 'tenants:write' },
      params: idParam,
      body: z
        .object({ name: z.string().min(1).max(200).optional(), disabled: z.boolean().optional() })
        .strict(),
      responses: { 200: { description: 'Updated', schema: tenant } },
      handler: async ({ principal, params, body }) =>
        toTenant(await access.updateTenant(who(principal), params.id, body)),
    }),
    defineRoute({
      method: 'get',
      path: '/rbac/roles',
      summary: 'Roles of your tenant: built-in and custom, with their permissions',
      tags: ['rbac'],
      access: { kind: 'permission', permission: 'rbac:read' },
      responses: { 200: { description: 'Roles', schema: z.object({ roles: z.array(role) }) } },
      handler: async ({ principal }) => ({
        roles: (await access.listRoles(who(principal).tenantId)).map(toRole),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/rbac/roles',
      audit: {
        action: 'rbac.role.create',
        resource: ({ body }) => ({ type: 'role', id: body.name }),
      },
      summary: 'Create a custom role',
      tags: ['rbac'],
      access: { kind: 'permission', permission: 'rbac:write' },
      body: z
        .object({
          name,
          description: z.string().max(500).default(''),
          permissions: z.array(z.string()).min(1).max(200),
        })
        .strict(),
      responses: {
        201: { description: 'Created', schema: role },
        409: { description: 'Exists or built-in' },
      },
      handler: async ({ principal, body }) =>
        toRole(
          await access.createRole(
            who(principal).tenantId,
            body.name,
            body.description,
            body.permissions,
          ),
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/rbac/roles/:name',
      summary: 'One role',
      tags: ['rbac'],
      access: { kind: 'permission', permission: 'rbac:read' },
      params: nameParam,
      responses: { 200: { description: 'The role', schema: role } },
      handler: async ({ principal, params }) =>
        toRole(await access.getRole(who(principal).tenantId, params.name)),
    }),
    defineRoute({
      method: 'patch',
      path: '/rbac/roles/:name',
      audit: {
        action: 'rbac.role.update',
        resource: ({ params }) => ({ type: 'role', id: params.name }),
      },
      summary: 'Change a custom role',
      tags: ['rbac'],
      access: { kind: 'permission', permission: 'rbac:write' },
      params: nameParam,
      body: z
        .object({
          description: z.string().max(500).optional(),
          permissions: z.array(z.string()).min(1).max(200).optional(),
        })
        .strict(),
      responses: { 200: { description: 'Updated', schema: role } },
      handler: async ({ principal, params, body }) =>
        toRole(await access.updateRole(who(principal).tenantId, params.name, body)),
    }),
    defineRoute({
      method: 'delete',
      path: '/rbac/roles/:name',
      audit: {
        action: 'rbac.role.delete',
        resource: ({ params }) => ({ type: 'role', id: params.name }),
      },
      summary: 'Delete a custom role',
      tags: ['rbac'],
      access: { kind: 'permission', permission: 'rbac:write' },
      params: nameParam,
      responses: { 204: { description: 'Deleted' } },
      handler: async ({ principal, params }) => {
        await access.deleteRole(who(principal).tenantId, params.name);
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/elevations',
      audit: {
        action: 'elevation.request',
        resource: ({ result }) => ({ type: 'elevation', ...idOf(result) }),
      },
      summary: 'Ask for a role for a limited time, with a reason',
      tags: ['elevation'],
      access: { kind: 'permission', permission: 'elevation:request' },
      body: z
        .object({
          role: name,
          minutes: z.number().int().min(1).max(MAX_ELEVATION_MINUTES),
          reason: z.string().min(10).max(1000),
        })
        .strict(),
      responses: { 201: { description: 'Requested; waits for an approver', schema: elevation } },
      handler: async ({ principal, body }) =>
        toElevation(
          await access.requestElevation(who(principal), body.role, body.minutes, body.reason),
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/elevations',
      summary: 'Elevations: your own, or all of the tenant with elevation:approve',
      tags: ['elevation'],
      access: { kind: 'permission', permission: 'elevation:request' },
      responses: {
        200: {
          description: 'Elevations, newest first',
          schema: z.object({ elevations: z.array(elevation) }),
        },
      },
      handler: async ({ principal }) => {
        const p = who(principal);
        const all = p.permissions.has('elevation:approve');
        return {
          elevations: (await access.listElevations(p.tenantId, all ? undefined : p.id)).map(
            toElevation,
          ),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/elevations/:id',
      summary: 'One elevation: your own, or any of the tenant with elevation:approve',
      tags: ['elevation'],
      access: { kind: 'permission', permission: 'elevation:request' },
      params: idParam,
      responses: {
        200: { description: 'The elevation', schema: elevation },
        404: { description: 'No such elevation (or not yours to see)' },
      },
      handler: async ({ principal, params }) => {
        const p = who(principal);
        const found = await access.getElevation(p.tenantId, params.id);
        if (found.principalId !== p.id && !p.permissions.has('elevation:approve'))
          throw new AccessError('ACCESS_ELEVATION_NOT_FOUND', `no elevation ${params.id}`);
        return toElevation(found);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/elevations/:id/approve',
      audit: {
        action: 'elevation.approve',
        resource: ({ params }) => ({ type: 'elevation', id: params.id }),
      },
      summary: 'Grant a pending elevation (not your own); it expires by itself',
      tags: ['elevation'],
      access: { kind: 'permission', permission: 'elevation:approve' },
      params: idParam,
      responses: { 200: { description: 'Approved', schema: elevation } },
      handler: async ({ principal, params }) =>
        toElevation(await access.decideElevation(who(principal), params.id, true)),
    }),
    defineRoute({
      method: 'post',
      path: '/elevations/:id/deny',
      audit: {
        action: 'elevation.deny',
        resource: ({ params }) => ({ type: 'elevation', id: params.id }),
      },
      summary: 'Refuse a pending elevation',
      tags: ['elevation'],
      access: { kind: 'permission', permission: 'elevation:approve' },
      params: idParam,
      responses: { 200: { description: 'Denied', schema: elevation } },
      handler: async ({ principal, params }) =>
        toElevation(await access.decideElevation(who(principal), params.id, false)),
    }),
    defineRoute({
      method: 'post',
      path: '/elevations/:id/revoke',
      audit: {
        action: 'elevation.revoke',
        resource: ({ params }) => ({ type: 'elevation', id: params.id }),
      },
      summary: 'End an elevation early',
      tags: ['elevation'],
      access: { kind: 'permission', permission: 'elevation:request' },
      params: idParam,
      responses: { 200: { description: 'Revoked', schema: elevation } },
      handler: async ({ principal, params }) => {
        const p = who(principal);
        const current = await access.getElevation(p.tenantId, params.id);
        // Only the holder or an approver ends an elevation; others see it as absent.
        if (current.principalId !== p.id && !p.permissions.has('elevation:approve'))
          throw new AccessError('ACCESS_ELEVATION_NOT_FOUND', `no elevation ${params.id}`);
        return toElevation(await access.revokeElevation(p, params.id));
      },
    }),
  ];
}

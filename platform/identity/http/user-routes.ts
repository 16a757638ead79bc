import { z } from 'zod';
import type { Clock } from '../../clock/index.ts';
import { defineRoute, idOf } from '../../http/index.ts';
import type { AnyRoute } from '../../http/index.ts';
import type { Principal } from '../api-tokens.ts';
import { ROLE_NAME, assertMayGrant } from '../role-grants.ts';
import { callerOf } from './caller.ts';
import type { CustomRolesOf } from '../role-grants.ts';
import type { UserRecord } from '../user-repository.ts';
import type { Users } from '../users.ts';

export interface UserRouteServices {
  readonly clock: Clock;
  readonly users: Users;
  readonly customRolesOf: CustomRolesOf;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const userView = z.object({
  id: z.string(),
  tenant: z.string(),
  username: z.string(),
  display_name: z.string().nullable(),
  roles: z.array(z.string()),
  locked: z.boolean().describe('locked by an administrator'),
  locked_out_until: z
    .string()
    .nullable()
    .describe('end of a lockout after failed logins, while it lasts'),
  has_password: z.boolean(),
  oidc: z.object({ issuer: z.string(), subject: z.string() }).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  last_login_at: z.string().nullable(),
});

function toView(user: UserRecord, now: number): z.infer<typeof userView> {
  const until = user.lockout.lockedUntil;
  return {
    id: user.id,
    tenant: user.tenantId,
    username: user.username,
    display_name: user.displayName,
    roles: [...user.roles],
    locked: user.locked,
    locked_out_until: until !== null && until > now ? iso(until) : null,
    has_password: user.hasPassword,
    oidc: user.oidc,
    created_at: new Date(user.createdAt).toISOString(),
    updated_at: new Date(user.updatedAt).toISOString(),
    last_login_at: iso(user.lastLoginAt),
  };
}

const roles = z.array(z.string().regex(ROLE_NAME, 'a role name')).max(64);
const idParams = z.object({ id: z.string().min(1).max(64) });
const page = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();
const password = z.string().min(1).max(4096);

/**
 * People management in the caller's tenant (`users:read`, `users:write`). Accounts of another
 * tenant do not exist here (404). Nobody grants, or manages an account holding, permissions
 * they do not hold themselves.
 */
export function userRoutes(services: UserRouteServices): AnyRoute[] {
  const read = { kind: 'permission', permission: 'users:read' } as const;
  const write = { kind: 'permission', permission: 'users:write' } as const;
  const tags = ['identity'];
  const view = (user: UserRecord) => toView(user, services.clock.now());
  const tenantOf = (p: Principal | undefined) => callerOf(p).tenantId;
  /** Loads the target and checks the caller outranks it (else a helpdesk role could take over an admin). */
  const manageable = async (principal: Principal | undefined, id: string) => {
    const user = await services.users.get(tenantOf(principal), id);
    await assertMayGrant(services.customRolesOf, callerOf(principal), user.roles);
    return user;
  };

  return [
    defineRoute({
      method: 'get',
      path: '/users',
      summary: 'List people in your tenant',
      tags,
      access: read,
      query: page,
      responses: { 200: { description: 'People', schema: z.object({ users: z.array(userView) }) } },
      handler: async ({ principal, query }) => ({
        users: (await services.users.list(tenantOf(principal), query)).map(view),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/users',
      audit: {
        action: 'identity.user.create',
        resource: ({ result }) => ({ type: 'user', ...idOf(result) }),
      },
      summary: 'Create a person’s account',
      description:
        'Without a password the account signs in only through OIDC (link it with oidc.issuer and oidc.subject). Passwords need 12 characters or more, must differ from the username and not be a common password.',
      tags,
      access: write,
      bodyLimit: 16 * 1024,
      body: z
        .object({
          username: z.string().min(1).max(256),
          password: password.optional(),
          roles: roles.default([]),
          display_name: z.string().max(256).nullable().optional(),
          oidc: z
            .object({ issuer: z.string().min(1).max(2048), subject: z.string().min(1).max(512) })
            .strict()
            .optional(),
        })
        .strict(),
      responses: {
        201: { description: 'Created', schema: userView },
        409: { description: 'The username is taken' },
      },
      handler: async ({ principal, body }) => {
        await assertMayGrant(services.customRolesOf, callerOf(principal), body.roles);
        const user = await services.users.create(tenantOf(principal), {
          username: body.username,
          roles: body.roles,
          ...(body.password !== undefined ? { password: body.password } : {}),
          ...(body.display_name !== undefined ? { displayName: body.display_name } : {}),
          ...(body.oidc ? { oidc: body.oidc } : {}),
        });
        return view(user);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/users/:id',
      summary: 'One person’s account',
      tags,
      access: read,
      params: idParams,
      responses: {
        200: { description: 'The account', schema: userView },
        404: { description: 'No such account in your tenant' },
      },
      handler: async ({ principal, params }) =>
        view(await services.users.get(tenantOf(principal), params.id)),
    }),
    defineRoute({
      method: 'patch',
      path: '/users/:id',
      audit: {
        action: 'identity.user.update',
        resource: ({ params }) => ({ type: 'user', id: params.id }),
      },
      summary: 'Change roles, lock or unlock, rename, or reset the password',
      description:
        'locked: true signs the person out everywhere (refresh tokens revoked, live access tokens refused).',
      tags,
      access: write,
      params: idParams,
      bodyLimit: 16 * 1024,
      body: z
        .object({
          roles: roles.optional(),
          locked: z.boolean().optional(),
          display_name: z.string().max(256).nullable().optional(),
          password: password.optional(),
        })
        .strict()
        .refine((b) => Object.keys(b).length > 0, 'change at least one field'),
      responses: {
        200: { description: 'The account after the change', schema: userView },
        404: { description: 'No such account in your tenant' },
      },
      handler: async ({ principal, params, body }) => {
        await manageable(principal, params.id);
        if (body.roles)
          await assertMayGrant(services.customRolesOf, callerOf(principal), body.roles);
        const user = await services.users.update(tenantOf(principal), params.id, {
          ...(body.roles !== undefined ? { roles: body.roles } : {}),
          ...(body.locked !== undefined ? { locked: body.locked } : {}),
          ...(body.display_name !== undefined ? { displayName: body.display_name } : {}),
          ...(body.password !== undefined ? { password: body.password } : {}),
        });
        return view(user);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/users/:id/unlock',
      audit: {
        action: 'identity.user.unlock',
        resource: ({ params }) => ({ type: 'user', id: params.id }),
      },
      summary: 'Unlock an account (administrative lock and lockout after failed logins)',
      tags,
      access: write,
      params: idParams,
      responses: {
        200: { description: 'The account, unlocked', schema: userView },
        404: { description: 'No such account in your tenant' },
      },
      handler: async ({ principal, params }) => {
        await manageable(principal, params.id);
        return view(await services.users.unlock(tenantOf(principal), params.id));
      },
    }),
  ];
}

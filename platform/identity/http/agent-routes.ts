import { z } from 'zod';
import { defineRoute, idOf } from '../../http/index.ts';
import type { AnyRoute } from '../../http/index.ts';
import type { AgentRecord } from '../agent-repository.ts';
import type { Agents } from '../agents.ts';
import { ROLE_NAME, assertMayGrant } from '../role-grants.ts';
import type { CustomRolesOf } from '../role-grants.ts';
import { callerOf } from './caller.ts';

export interface AgentRouteServices {
  readonly agents: Agents;
  readonly customRolesOf: CustomRolesOf;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const MAX_GRACE_SECONDS = 7 * 86_400;

export const agentView = z.object({
  id: z.string(),
  tenant: z.string(),
  name: z.string(),
  description: z.string(),
  client_id: z.string(),
  roles: z.array(z.string()),
  enabled: z.boolean(),
  secret_hint: z.string().describe('last four characters of the current secret'),
  previous_secret_expires_at: z.string().nullable(),
  secret_rotated_at: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  last_used_at: z.string().nullable(),
});

function toView(agent: AgentRecord): z.infer<typeof agentView> {
  return {
    id: agent.id,
    tenant: agent.tenantId,
    name: agent.name,
    description: agent.description,
    client_id: agent.clientId,
    roles: [...agent.roles],
    enabled: agent.enabled,
    secret_hint: agent.secretHint,
    previous_secret_expires_at: iso(agent.previousSecretExpiresAt),
    secret_rotated_at: new Date(agent.secretRotatedAt).toISOString(),
    created_at: new Date(agent.createdAt).toISOString(),
    updated_at: new Date(agent.updatedAt).toISOString(),
    last_used_at: iso(agent.lastUsedAt),
  };
}

const idParams = z.object({ id: z.string().min(1).max(64) });
const issued = agentView.extend({
  client_secret: z.string().describe('shown once: store it now, it cannot be read again'),
});

/**
 * Automation agents (OAuth2 clients) in the caller's tenant: `agents:read`, `agents:write`.
 * Secrets are returned once, at creation and rotation. Anyone with `agents:write` may disable
 * an agent (containment); creating one, rotating its secret or enabling it needs every
 * permission its roles carry.
 */
export function agentRoutes(services: AgentRouteServices): AnyRoute[] {
  const read = { kind: 'permission', permission: 'agents:read' } as const;
  const write = { kind: 'permission', permission: 'agents:write' } as const;
  const tags = ['identity'];
  const noStore = { 'Cache-Control': 'no-store' };

  return [
    defineRoute({
      method: 'get',
      path: '/agents',
      summary: 'List automation agents in your tenant',
      tags,
      access: read,
      query: z
        .object({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          offset: z.coerce.number().int().min(0).default(0),
        })
        .strict(),
      responses: {
        200: { description: 'Agents', schema: z.object({ agents: z.array(agentView) }) },
      },
      handler: async ({ principal, query }) => ({
        agents: (await services.agents.list(callerOf(principal).tenantId, query)).map(toView),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/agents',
      audit: {
        action: 'identity.agent.create',
        resource: ({ result }) => ({ type: 'agent', ...idOf(result) }),
      },
      summary: 'Create an agent; its client secret is returned once',
      tags,
      access: write,
      bodyLimit: 16 * 1024,
      body: z
        .object({
          name: z.string().min(1).max(128),
          description: z.string().max(1024).optional(),
          roles: z.array(z.string().regex(ROLE_NAME, 'a role name')).min(1).max(64),
        })
        .strict(),
      responses: {
        201: { description: 'Created, with the client secret', schema: issued },
        409: { description: 'The name is taken' },
      },
      handler: async ({ principal, body, res }) => {
        const caller = callerOf(principal);
        await assertMayGrant(services.customRolesOf, caller, body.roles);
        const { agent, clientSecret } = await services.agents.create(caller.tenantId, {
          name: body.name,
          roles: body.roles,
          ...(body.description !== undefined ? { description: body.description } : {}),
        });
        res.set(noStore);
        return { ...toView(agent), client_secret: clientSecret };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/agents/:id',
      summary: 'One agent',
      tags,
      access: read,
      params: idParams,
      responses: {
        200: { description: 'The agent', schema: agentView },
        404: { description: 'No such agent in your tenant' },
      },
      handler: async ({ principal, params }) =>
        toView(await services.agents.get(callerOf(principal).tenantId, params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/agents/:id/rotate-secret',
      audit: {
        action: 'identity.agent.rotate-secret',
        resource: ({ params }) => ({ type: 'agent', id: params.id }),
      },
      summary: 'Issue a new client secret (returned once)',
      description:
        'grace_seconds > 0 keeps the previous secret working that long (at most 7 days), so running agents can roll over; 0 (the default) stops it at once.',
      tags,
      access: write,
      params: idParams,
      bodyLimit: 4 * 1024,
      body: z
        .object({ grace_seconds: z.number().int().min(0).max(MAX_GRACE_SECONDS).default(0) })
        .strict(),
      responses: {
        200: { description: 'The new secret', schema: issued },
        404: { description: 'No such agent in your tenant' },
      },
      handler: async ({ principal, params, body, res }) => {
        const caller = callerOf(principal);
        const current = await services.agents.get(caller.tenantId, params.id);
        await assertMayGrant(services.customRolesOf, caller, current.roles);
        const { agent, clientSecret } = await services.agents.rotateSecret(
          caller.tenantId,
          params.id,
          { graceMs: body.grace_seconds * 1000 },
        );
        res.set(noStore);
        return { ...toView(agent), client_secret: clientSecret };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/agents/:id/disable',
      audit: {
        action: 'identity.agent.disable',
        resource: ({ params }) => ({ type: 'agent', id: params.id }),
      },
      summary: 'Disable an agent: no new tokens, live tokens refused at once',
      tags,
      access: write,
      params: idParams,
      responses: {
        200: { description: 'The agent, disabled', schema: agentView },
        404: { description: 'No such agent in your tenant' },
      },
      handler: async ({ principal, params }) =>
        toView(await services.agents.disable(callerOf(principal).tenantId, params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/agents/:id/enable',
      audit: {
        action: 'identity.agent.enable',
        resource: ({ params }) => ({ type: 'agent', id: params.id }),
      },
      summary: 'Enable a disabled agent again',
      tags,
      access: write,
      params: idParams,
      responses: {
        200: { description: 'The agent, enabled', schema: agentView },
        404: { description: 'No such agent in your tenant' },
      },
      handler: async ({ principal, params }) => {
        const caller = callerOf(principal);
        const current = await services.agents.get(caller.tenantId, params.id);
        await assertMayGrant(services.customRolesOf, caller, current.roles);
        return toView(await services.agents.enable(caller.tenantId, params.id));
      },
    }),
  ];
}

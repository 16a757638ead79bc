import type { Request } from 'express';
import { z } from 'zod';
import { defineRoute } from '../../http/index.ts';
import type { AnyRoute } from '../../http/index.ts';
import { FIRST_PARTY_CLIENT_ID } from '../access-tokens.ts';
import type { AccessTokens } from '../access-tokens.ts';
import type { AgentRecord } from '../agent-repository.ts';
import type { Agents } from '../agents.ts';
import { IdentityError } from '../api-tokens.ts';
import type { Sessions, TokenResponse } from '../sessions.ts';
import { basicCredentials, readFormBody } from './form-body.ts';

/** Error codes of RFC 6749 §5.2 this endpoint answers with. */
type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

interface Reply {
  readonly status: number;
  readonly body: object;
  readonly headers?: Readonly<Record<string, string>>;
}

const FORM_LIMIT = 16 * 1024;
const REALM = 'Basic realm="claytom-secops"';

const ok = (body: TokenResponse): Reply => ({ status: 200, body });

function fail(code: OAuthErrorCode, description: string): Reply {
  const body = { error: code, error_description: description };
  // RFC 6749 §5.2: invalid_client is 401 with a challenge for the scheme the client may use.
  return code === 'invalid_client'
    ? { status: 401, body, headers: { 'WWW-Authenticate': REALM } }
    : { status: 400, body };
}

/** Grants a subset of the agent's roles when `scope` names them; all its roles otherwise. */
function grantedRoles(agent: AgentRecord, scope: string | null): string[] | undefined {
  const requested = (scope ?? '').split(' ').filter((s) => s !== '');
  if (requested.length === 0) return [...agent.roles];
  return requested.every((r) => agent.roles.includes(r)) ? [...new Set(requested)] : undefined;
}

export interface TokenEndpointServices {
  readonly agents: Agents;
  readonly accessTokens: AccessTokens;
  readonly sessions: Sessions;
}

async function clientCredentials(
  services: TokenEndpointServices,
  credentials: { clientId: string; clientSecret: string } | undefined,
  scope: string | null,
): Promise<Reply> {
  if (!credentials) return fail('invalid_client', 'client authentication is required');
  let agent: AgentRecord;
  try {
    agent = await services.agents.authenticateClient(
      credentials.clientId,
      credentials.clientSecret,
    );
  } catch (err) {
    if (err instanceof IdentityError && err.code === 'IDENTITY_INVALID_CLIENT')
      return fail('invalid_client', 'client authentication failed');
    throw err;
  }
  const roles = grantedRoles(agent, scope);
  if (!roles) return fail('invalid_scope', 'scope names a role the agent does not have');
  const issued = await services.accessTokens.issue({
    id: agent.id,
    kind: 'agent',
    name: agent.name,
    tenantId: agent.tenantId,
    roles,
    clientId: agent.clientId,
  });
  // No refresh token for client credentials (RFC 6749 §4.4.3): the agent asks again.
  return ok({
    access_token: issued.token,
    token_type: 'Bearer',
    expires_in: issued.expiresIn,
    scope: roles.join(' '),
  });
}

async function refreshToken(services: TokenEndpointServices, token: string | null) {
  if (token === null || token === '') return fail('invalid_request', 'refresh_token is required');
  try {
    return ok(await services.sessions.refresh(token));
  } catch (err) {
    if (err instanceof IdentityError && err.code === 'IDENTITY_INVALID_GRANT')
      return fail('invalid_grant', 'the refresh token is invalid, expired or revoked');
    throw err;
  }
}

/** The token endpoint's answer to a request: pure protocol handling over the services. */
async function answer(services: TokenEndpointServices, req: Request): Promise<Reply> {
  const form = await readFormBody(req, FORM_LIMIT);
  if (form === 'not_form') return fail('invalid_request', 'send application/x-www-form-urlencoded');
  if (form === 'too_large') return fail('invalid_request', 'the body is too large');
  if (form === 'duplicate') return fail('invalid_request', 'a parameter is given more than once');

  const basic = basicCredentials(req.headers.authorization);
  const postId = form.get('client_id');
  const postSecret = form.get('client_secret');
  if (basic !== undefined && postSecret !== null)
    return fail('invalid_request', 'use one client authentication method, not two');
  if (basic === 'malformed') return fail('invalid_client', 'malformed Basic authorization');
  if (basic !== undefined && postId !== null && postId !== basic.clientId)
    return fail('invalid_request', 'client_id differs from the authenticated client');

  switch (form.get('grant_type') ?? '') {
    case '':
      return fail('invalid_request', 'grant_type is required');
    case 'client_credentials':
      return clientCredentials(
        services,
        basic ??
          (postId !== null && postSecret !== null
            ? { clientId: postId, clientSecret: postSecret }
            : undefined),
        form.get('scope'),
      );
    case 'refresh_token':
      // People's refresh tokens belong to the first-party public client, never to an agent.
      if (basic !== undefined || postSecret !== null)
        return fail('unauthorized_client', 'refresh tokens are issued to people only');
      if (postId !== null && postId !== FIRST_PARTY_CLIENT_ID)
        return fail('unauthorized_client', 'refresh tokens are issued to people only');
      return refreshToken(services, form.get('refresh_token'));
    default:
      return fail('unsupported_grant_type', 'use client_credentials or refresh_token');
  }
}

/**
 * `POST /oauth/token` (RFC 6749 §3.2): `client_credentials` for agents (client_secret_basic or
 * client_secret_post; `scope` may narrow the token to some of the agent's roles) and
 * `refresh_token` for people. Answers and errors are in the RFC's JSON shapes, never cached.
 */
export function oauthTokenRoute(services: TokenEndpointServices): AnyRoute {
  const tokenResponse = z.object({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int(),
    refresh_token: z.string().optional(),
    scope: z.string().optional(),
  });
  const errorResponse = z.object({ error: z.string(), error_description: z.string().optional() });

  return defineRoute({
    method: 'post',
    path: '/oauth/token',
    summary: 'OAuth 2.0 token endpoint (client credentials, refresh token)',
    description:
      'Body application/x-www-form-urlencoded. grant_type=client_credentials with HTTP Basic (client_secret_basic) or client_id and client_secret fields (client_secret_post); optional scope: space-separated role names, a subset of the agent’s roles. grant_type=refresh_token with refresh_token for people (same as /auth/refresh). Errors follow RFC 6749 §5.2.',
    tags: ['identity'],
    access: { kind: 'public' },
    raw: true,
    responses: {
      200: { description: 'Token issued (RFC 6749 §5.1)', schema: tokenResponse },
      400: { description: 'RFC 6749 §5.2 error', schema: errorResponse },
      401: { description: 'invalid_client (RFC 6749 §5.2)', schema: errorResponse },
    },
    handler: async ({ req, res }) => {
      const reply = await answer(services, req);
      // RFC 6749 §5.1: token responses and errors must not be cached.
      res
        .status(reply.status)
        .set({ 'Cache-Control': 'no-store', Pragma: 'no-cache', ...reply.headers })
        .json(reply.body);
      return undefined;
    },
  });
}

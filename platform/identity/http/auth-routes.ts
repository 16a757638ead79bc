import type { Request, Response } from 'express';
import { z } from 'zod';
import { defineRoute } from '../../http/index.ts';
import type { AnyRoute } from '../../http/index.ts';
import type { AccessTokens } from '../access-tokens.ts';
import { DEFAULT_TENANT, IdentityError } from '../api-tokens.ts';
import type { OidcLogin } from '../oidc-login.ts';
import type { Sessions } from '../sessions.ts';
import type { SigningKeys } from '../signing-keys.ts';

export interface AuthRouteServices {
  readonly sessions: Sessions;
  readonly accessTokens: AccessTokens;
  readonly signingKeys: SigningKeys;
  readonly oidc: OidcLogin | undefined;
}

export interface AuthRouteOptions {
  /** `Cache-Control: max-age` of the JWKS (default 300 s; keep below the key pre-publication time). */
  readonly jwksMaxAgeSeconds?: number;
}

const OIDC_COOKIE = 'secops_oidc';
const tags = ['identity'];
const noStore = (res: Response) => res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });

const tokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().describe('seconds until the access token expires'),
  refresh_token: z.string().describe('opaque, single use: each refresh returns the next one'),
});

const jwk = z.object({
  kty: z.string(),
  crv: z.string().optional(),
  x: z.string().optional(),
  y: z.string().optional(),
  kid: z.string().optional(),
  alg: z.string().optional(),
  use: z.string().optional(),
});

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function bearerOf(req: Request): string {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!match?.[1]) throw new IdentityError('IDENTITY_UNAUTHENTICATED', 'missing bearer token');
  return match[1];
}

/**
 * People's sign-in (`/auth/login`, `/auth/refresh`, `/auth/logout`), the JWKS, and OIDC single
 * sign-on (`/auth/oidc/login`, `/auth/oidc/callback`) when configured.
 */
export function authRoutes(
  services: AuthRouteServices,
  options: AuthRouteOptions = {},
): AnyRoute[] {
  const maxAge = options.jwksMaxAgeSeconds ?? 300;
  const routes: AnyRoute[] = [
    defineRoute({
      method: 'post',
      path: '/auth/login',
      summary: 'Sign in with a username and password',
      description:
        'Every refusal (unknown user, wrong password, locked account) is the same 401 IDENTITY_INVALID_CREDENTIALS. Five failures in a row lock the account for a period that doubles with each lockout.',
      tags,
      access: { kind: 'public' },
      bodyLimit: 16 * 1024,
      body: z
        .object({
          tenant: z.string().min(1).max(128).optional().describe(`default ${DEFAULT_TENANT}`),
          username: z.string().min(1).max(256),
          password: z.string().min(1).max(4096),
        })
        .strict(),
      responses: { 200: { description: 'Signed in', schema: tokenResponse } },
      handler: async ({ body, res }) => {
        noStore(res);
        return services.sessions.login(body.tenant ?? DEFAULT_TENANT, body.username, body.password);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/refresh',
      summary: 'Exchange a refresh token for new tokens',
      description:
        'The refresh token is single use. Presenting one that was already used revokes the whole sign-in session (reuse detection).',
      tags,
      access: { kind: 'public' },
      bodyLimit: 16 * 1024,
      body: z.object({ refresh_token: z.string().min(1).max(512) }).strict(),
      responses: { 200: { description: 'New tokens', schema: tokenResponse } },
      handler: async ({ body, res }) => {
        noStore(res);
        return services.sessions.refresh(body.refresh_token);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      summary: 'Sign out: end the session and revoke the presented access token',
      tags,
      access: { kind: 'custom', scheme: 'bearerAuth' },
      responses: {
        204: { description: 'Signed out' },
        401: { description: 'No valid access token' },
      },
      handler: async ({ req }) => {
        const verified = await services.accessTokens.verifyClaims(bearerOf(req));
        await services.sessions.logout(verified);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/.well-known/jwks.json',
      summary: 'Public keys that verify access tokens (JWK Set)',
      description:
        'Every key that may still verify an unexpired token, and the next key ahead of its use.',
      tags,
      access: { kind: 'public' },
      responses: {
        200: { description: 'JWK Set (RFC 7517)', schema: z.object({ keys: z.array(jwk) }) },
      },
      handler: async ({ res }) => {
        let set = await services.signingKeys.jwks();
        if (set.keys.length === 0) {
          await services.signingKeys.rotateIfDue();
          set = await services.signingKeys.jwks();
        }
        res.set('Cache-Control', `public, max-age=${maxAge}`);
        return set;
      },
    }),
  ];

  const { oidc } = services;
  if (!oidc) return routes;
  routes.push(
    defineRoute({
      method: 'get',
      path: '/auth/oidc/login',
      summary: 'Start single sign-on: redirects to the OpenID provider',
      description:
        'Authorization code flow with PKCE (S256), state and nonce. Sets a short-lived HttpOnly cookie binding the sign-in to this browser.',
      tags,
      access: { kind: 'public' },
      responses: { 302: { description: 'Redirect to the provider' } },
      handler: async ({ res }) => {
        const { authorizationUrl, binding } = await oidc.begin();
        const maxAgeSeconds = Math.floor(oidc.loginTtlMs / 1000);
        res.setHeader(
          'Set-Cookie',
          `${OIDC_COOKIE}=${binding}; Path=/auth/oidc; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${oidc.secureCookies ? '; Secure' : ''}`,
        );
        res.set('Cache-Control', 'no-store').redirect(302, authorizationUrl);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/oidc/callback',
      summary: 'Finish single sign-on: returns this platform’s tokens',
      description:
        'The provider redirects here. The code is exchanged, the ID token validated, the person mapped to an account of the configured tenant (created on first sign-in when auto-provisioning is on) and signed in.',
      tags,
      access: { kind: 'public' },
      query: z.object({
        code: z.string().max(4096).optional(),
        state: z.string().max(1024).optional(),
        iss: z.string().max(2048).optional(),
        error: z.string().max(256).optional(),
        error_description: z.string().max(2048).optional(),
      }),
      responses: { 200: { description: 'Signed in', schema: tokenResponse } },
      handler: async ({ req, res }) => {
        const url = req.originalUrl;
        const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
        res.setHeader(
          'Set-Cookie',
          `${OIDC_COOKIE}=; Path=/auth/oidc; Max-Age=0; HttpOnly; SameSite=Lax${oidc.secureCookies ? '; Secure' : ''}`,
        );
        noStore(res);
        return oidc.complete(query, cookieOf(req, OIDC_COOKIE));
      },
    }),
  );
  return routes;
}

import type { IncomingHttpHeaders } from 'node:http';
import { API_TOKEN_PREFIX, IdentityError } from './api-tokens.ts';
import type { ApiTokens, Principal } from './api-tokens.ts';

/** Resolves a bearer credential to a principal (JWT access tokens, platform API tokens). */
export type Authenticator = (request: {
  readonly headers: IncomingHttpHeaders;
}) => Promise<Principal>;

export interface AuthenticatorDeps {
  readonly apiTokens: ApiTokens;
  /** Verifies a JWT access token (added with the token service). */
  readonly verifyAccessToken?: (token: string) => Promise<Principal>;
}

/**
 * The principal of `Authorization: Bearer …`: a platform API token (`sat_…`) or a JWT access
 * token. Anything else, or nothing, is `IDENTITY_UNAUTHENTICATED` (401).
 */
export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  return async ({ headers }) => {
    const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
    const credential = match?.[1];
    if (credential === undefined)
      throw new IdentityError('IDENTITY_UNAUTHENTICATED', 'missing bearer token');
    if (credential.startsWith(API_TOKEN_PREFIX)) return deps.apiTokens.authenticate(credential);
    if (deps.verifyAccessToken) return deps.verifyAccessToken(credential);
    throw new IdentityError('IDENTITY_UNAUTHENTICATED', 'unsupported bearer token');
  };
}

import type { AnyRoute } from '../../http/index.ts';
import type { Identity } from '../identity-services.ts';
import { agentRoutes } from './agent-routes.ts';
import { authRoutes } from './auth-routes.ts';
import type { AuthRouteOptions } from './auth-routes.ts';
import { oauthTokenRoute } from './oauth-token-route.ts';
import { userRoutes } from './user-routes.ts';

/** What the identity routes need: `createIdentity`'s result, or parts of it. */
export type IdentityRouteServices = Pick<
  Identity,
  | 'clock'
  | 'users'
  | 'agents'
  | 'accessTokens'
  | 'sessions'
  | 'signingKeys'
  | 'oidc'
  | 'customRolesOf'
>;

/**
 * Every identity route: sign-in, refresh and logout for people, the OAuth2 token endpoint, the
 * JWKS, OIDC single sign-on (when configured), and management of people and agents.
 */
export function identityRoutes(
  services: IdentityRouteServices,
  options: AuthRouteOptions = {},
): AnyRoute[] {
  return [
    ...authRoutes(services, options),
    oauthTokenRoute(services),
    ...userRoutes(services),
    ...agentRoutes(services),
  ];
}

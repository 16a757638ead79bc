// The identity routes have their own front door: platform/http depends on platform/identity
// (Principal, IdentityError), so exporting routes built with platform/http from
// platform/identity/index.ts would close an import cycle (identity → http → identity).
export { identityRoutes } from './identity-routes.ts';
export type { IdentityRouteServices } from './identity-routes.ts';
export type { AuthRouteOptions } from './auth-routes.ts';
export type { AgentRouteServices } from './agent-routes.ts';
export type { UserRouteServices } from './user-routes.ts';
export type { TokenEndpointServices } from './oauth-token-route.ts';

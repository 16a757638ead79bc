export { createApiTokens, IdentityError, API_TOKEN_PREFIX, DEFAULT_TENANT } from './api-tokens.ts';
export { PERMISSIONS, BUILT_IN_ROLES, isPermission, permissionsOf } from './roles.ts';
export type { Permission } from './roles.ts';
export {
  coversPermission,
  holdsPermission,
  holdsPermissionBelow,
  holdsPermissionSomewhere,
  isGrantablePermission,
  parseScopedPermission,
  SCOPABLE_PERMISSIONS,
} from './scoped-permissions.ts';
export type { ScopedPermission } from './scoped-permissions.ts';
export type { ApiTokens, ApiTokenRecord, Principal } from './api-tokens.ts';
export { identityMigrations } from './migrations.ts';
export { createAuthenticator } from './authenticator.ts';
export type { Authenticator, AuthenticatorDeps } from './authenticator.ts';
export { createIdentity } from './identity-services.ts';
export type { Identity, IdentityDeps } from './identity-services.ts';
export { createUsers, normalizeUsername } from './users.ts';
export type { NewUser, UserUpdate, Users, UsersDeps } from './users.ts';
export type { UserRecord } from './user-repository.ts';
export { createAgents, CLIENT_ID_PREFIX, CLIENT_SECRET_PREFIX } from './agents.ts';
export type { Agents, AgentsDeps, IssuedSecret, NewAgent } from './agents.ts';
export type { AgentRecord } from './agent-repository.ts';
export { createAccessTokens, ACCESS_TOKEN_TYP, FIRST_PARTY_CLIENT_ID } from './access-tokens.ts';
export type {
  AccessTokens,
  AccessTokensDeps,
  IssuedAccessToken,
  TokenSubject,
  VerifiedAccessToken,
} from './access-tokens.ts';
export { createSigningKeys, SIGNING_ALG } from './signing-keys.ts';
export type { SigningKeyInfo, SigningKeys, SigningKeysDeps } from './signing-keys.ts';
export { createTokenRevocations } from './token-revocations.ts';
export type { TokenRevocations, TokenRevocationsDeps } from './token-revocations.ts';
export { createRefreshTokens, REFRESH_TOKEN_PREFIX } from './refresh-tokens.ts';
export type { IssuedRefreshToken, RefreshTokens, RefreshTokensDeps } from './refresh-tokens.ts';
export { createSessions } from './sessions.ts';
export type { Sessions, SessionsDeps, TokenResponse } from './sessions.ts';
export { createOidcLogin } from './oidc-login.ts';
export type { OidcConfig, OidcLogin, OidcLoginDeps } from './oidc-login.ts';
export { hashPassword, verifyPassword, needsRehash, DEFAULT_SCRYPT_PARAMS } from './passwords.ts';
export type { ScryptParams } from './passwords.ts';
export { passwordProblems, DEFAULT_PASSWORD_POLICY } from './password-policy.ts';
export type { PasswordPolicy } from './password-policy.ts';
export { DEFAULT_LOCKOUT_POLICY } from './lockout.ts';
export type { LockoutPolicy } from './lockout.ts';
export { noCustomRoles } from './role-grants.ts';
export type { CustomRolesOf } from './role-grants.ts';
export type { AuthEvent, AuthEventSink } from './auth-events.ts';

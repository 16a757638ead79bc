import type { Clock } from '../clock/index.ts';
import type { IdGenerator } from '../ids/index.ts';
import type { RelationalStore } from '../storage/index.ts';
import { createAccessTokens } from './access-tokens.ts';
import type { AccessTokens } from './access-tokens.ts';
import { createAgents } from './agents.ts';
import type { Agents } from './agents.ts';
import type { Principal } from './api-tokens.ts';
import type { AuthEventSink } from './auth-events.ts';
import type { LockoutPolicy } from './lockout.ts';
import { createOidcLogin } from './oidc-login.ts';
import type { OidcConfig, OidcLogin } from './oidc-login.ts';
import type { PasswordPolicy } from './password-policy.ts';
import type { ScryptParams } from './passwords.ts';
import { createRefreshTokens } from './refresh-tokens.ts';
import type { RefreshTokens } from './refresh-tokens.ts';
import { noCustomRoles } from './role-grants.ts';
import type { CustomRolesOf } from './role-grants.ts';
import { createSessions } from './sessions.ts';
import type { Sessions } from './sessions.ts';
import { createSigningKeys } from './signing-keys.ts';
import type { SigningKeys } from './signing-keys.ts';
import { createTokenRevocations } from './token-revocations.ts';
import type { TokenRevocations } from './token-revocations.ts';
import { createUsers } from './users.ts';
import type { Users } from './users.ts';

export interface IdentityDeps {
  readonly store: RelationalStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** `iss` of the access tokens (the API's public base URL is a good choice). */
  readonly issuer: string;
  /** `aud` of the access tokens. */
  readonly audience: string;
  /** 32 bytes that encrypt the signing keys at rest (from a file, the environment or a KMS). */
  readonly keyEncryptionKey: Uint8Array;
  /** Access-token lifetime (default 10 min). */
  readonly accessTokenTtlMs?: number;
  readonly clockToleranceSeconds?: number;
  /** A new signing key every … (default 24 h). */
  readonly keyRotationIntervalMs?: number;
  /** A new key is in the JWKS this long before it signs (default 1 h; keep above the JWKS max-age). */
  readonly keyPrepublishMs?: number;
  readonly refreshAbsoluteLifetimeMs?: number;
  readonly refreshIdleLifetimeMs?: number;
  readonly lockout?: LockoutPolicy;
  readonly passwordPolicy?: PasswordPolicy;
  readonly scrypt?: ScryptParams;
  /** Custom roles of a tenant (default: none until RBAC is wired). */
  readonly customRolesOf?: CustomRolesOf;
  /** Told of logins, lockouts, client authentication, refresh reuse and logouts. */
  readonly onAuthEvent?: AuthEventSink;
  /** Single sign-on; without it the OIDC routes are not mounted. */
  readonly oidc?: OidcConfig;
  readonly verifiedTokenCacheTtlMs?: number;
}

/** Everything identity offers, wired together; `identityRoutes` takes this. */
export interface Identity {
  readonly clock: Clock;
  readonly users: Users;
  readonly agents: Agents;
  readonly accessTokens: AccessTokens;
  readonly refreshTokens: RefreshTokens;
  readonly revocations: TokenRevocations;
  readonly signingKeys: SigningKeys;
  readonly sessions: Sessions;
  readonly oidc: OidcLogin | undefined;
  readonly customRolesOf: CustomRolesOf;
  /** For `createAuthenticator({ verifyAccessToken })`. */
  readonly verifyAccessToken: (token: string) => Promise<Principal>;
  /**
   * Periodic upkeep for the app's scheduler (every minute is plenty): rotates the signing key
   * when due and deletes expired keys, revocations, refresh families and abandoned OIDC logins.
   */
  maintain(): Promise<{ readonly rotated: boolean; readonly purged: number }>;
}

/** Builds people, agents, tokens, sessions and (when configured) OIDC over one relational store. */
export function createIdentity(deps: IdentityDeps): Identity {
  const { store, clock, ids, onAuthEvent } = deps;
  const customRolesOf = deps.customRolesOf ?? noCustomRoles;
  const ttlMs = deps.accessTokenTtlMs ?? 600_000;
  const tolerance = deps.clockToleranceSeconds ?? 30;
  const maxLifetimeMs = ttlMs + tolerance * 1000;
  const events = onAuthEvent ? { onAuthEvent } : {};

  const signingKeys = createSigningKeys({
    store,
    clock,
    keyEncryptionKey: deps.keyEncryptionKey,
    verificationWindowMs: maxLifetimeMs,
    ...(deps.keyRotationIntervalMs !== undefined
      ? { rotationIntervalMs: deps.keyRotationIntervalMs }
      : {}),
    ...(deps.keyPrepublishMs !== undefined ? { prepublishMs: deps.keyPrepublishMs } : {}),
  });
  const revocations = createTokenRevocations({ store, clock, retainMs: maxLifetimeMs });
  const accessTokens = createAccessTokens({
    clock,
    ids,
    keys: signingKeys,
    revocations,
    issuer: deps.issuer,
    audience: deps.audience,
    ttlMs,
    clockToleranceSeconds: tolerance,
    customRolesOf,
    ...(deps.verifiedTokenCacheTtlMs !== undefined
      ? { cacheTtlMs: deps.verifiedTokenCacheTtlMs }
      : {}),
  });
  const refreshTokens = createRefreshTokens({
    store,
    clock,
    ids,
    ...events,
    ...(deps.refreshAbsoluteLifetimeMs !== undefined
      ? { absoluteLifetimeMs: deps.refreshAbsoluteLifetimeMs }
      : {}),
    ...(deps.refreshIdleLifetimeMs !== undefined
      ? { idleLifetimeMs: deps.refreshIdleLifetimeMs }
      : {}),
  });
  const users = createUsers({
    store,
    clock,
    ids,
    customRolesOf,
    ...events,
    ...(deps.lockout ? { lockout: deps.lockout } : {}),
    ...(deps.passwordPolicy ? { passwordPolicy: deps.passwordPolicy } : {}),
    ...(deps.scrypt ? { scrypt: deps.scrypt } : {}),
    revokeSessions: async (tenantId, userId) => {
      await refreshTokens.revokeAllForUser(tenantId, userId, 'locked');
      await revocations.revokeSubject(tenantId, userId);
    },
  });
  const agents = createAgents({
    store,
    clock,
    ids,
    customRolesOf,
    ...events,
    revokeTokens: (tenantId, agentId) => revocations.revokeSubject(tenantId, agentId),
  });
  const sessions = createSessions({ clock, users, accessTokens, refreshTokens, ...events });
  const oidc = deps.oidc
    ? createOidcLogin({ config: deps.oidc, store, clock, ids, users, sessions, ...events })
    : undefined;

  return {
    clock,
    users,
    agents,
    accessTokens,
    refreshTokens,
    revocations,
    signingKeys,
    sessions,
    oidc,
    customRolesOf,
    verifyAccessToken: (token) => accessTokens.verify(token),
    async maintain() {
      const { created } = await signingKeys.rotateIfDue();
      const purged =
        (await signingKeys.purgeExpired()) +
        (await revocations.purgeExpired()) +
        (await refreshTokens.purgeExpired()) +
        (oidc ? await oidc.purgeExpired() : 0);
      return { rotated: created, purged };
    },
  };
}

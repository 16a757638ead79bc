import type { Clock } from '../clock/index.ts';
import type { AccessTokens, VerifiedAccessToken } from './access-tokens.ts';
import { IdentityError } from './api-tokens.ts';
import type { AuthEventSink } from './auth-events.ts';
import type { RefreshTokens } from './refresh-tokens.ts';
import type { UserRecord } from './user-repository.ts';
import type { Users } from './users.ts';

/** The body of a successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  /** Seconds until the access token expires. */
  readonly expires_in: number;
  readonly refresh_token?: string;
  readonly scope?: string;
}

export interface SessionsDeps {
  readonly clock: Clock;
  readonly users: Users;
  readonly accessTokens: AccessTokens;
  readonly refreshTokens: RefreshTokens;
  readonly onAuthEvent?: AuthEventSink;
}

/**
 * People's sign-in sessions: a password (or OIDC) login starts a refresh-token family and
 * issues an access token bound to it (`sid`); refresh rotates the token and re-reads the
 * account (roles changed, account locked); logout ends the family and revokes the access token.
 */
export function createSessions(deps: SessionsDeps) {
  const issueFor = async (user: UserRecord, refresh: { token: string; familyId: string }) => {
    const access = await deps.accessTokens.issue({
      id: user.id,
      kind: 'user',
      name: user.username,
      tenantId: user.tenantId,
      roles: user.roles,
      sessionId: refresh.familyId,
    });
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      refresh_token: refresh.token,
    } satisfies TokenResponse;
  };

  /** Starts a session for an account that has just proved who it is. */
  const start = async (user: UserRecord) =>
    issueFor(user, await deps.refreshTokens.start(user.tenantId, user.id));

  return {
    start,

    async login(tenantId: string, username: string, password: string) {
      return start(await deps.users.authenticate(tenantId, username, password));
    },

    async refresh(refreshToken: string) {
      const next = await deps.refreshTokens.rotate(refreshToken);
      let user: UserRecord | undefined;
      try {
        user = await deps.users.get(next.tenantId, next.userId);
      } catch (err) {
        if (!(err instanceof IdentityError && err.code === 'IDENTITY_USER_NOT_FOUND')) throw err;
      }
      // An administrative lock ends sessions; a lockout after failed logins does not (else anyone
      // could sign a person out by typing wrong passwords).
      if (!user || user.locked) {
        await deps.refreshTokens.revokeFamily(next.tenantId, next.familyId, 'locked');
        throw new IdentityError('IDENTITY_INVALID_GRANT', 'the account is locked');
      }
      return issueFor(user, next);
    },

    /** Ends the session of a person's access token and refuses that token from now on. */
    async logout(verified: VerifiedAccessToken): Promise<void> {
      const { principal } = verified;
      if (principal.kind === 'user' && verified.sessionId !== undefined)
        await deps.refreshTokens.revokeFamily(principal.tenantId, verified.sessionId, 'logout');
      await deps.accessTokens.revoke(verified);
      await deps.onAuthEvent?.({
        type: 'logout',
        at: deps.clock.now(),
        tenantId: principal.tenantId,
        userId: principal.id,
        ...(verified.sessionId !== undefined ? { familyId: verified.sessionId } : {}),
      });
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;

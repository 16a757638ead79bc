import { createHash, timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';
import type { Clock } from '../clock/index.ts';
import type { IdGenerator } from '../ids/index.ts';
import { PlatformError } from '../errors/index.ts';
import { sql } from '../storage/index.ts';
import type { RelationalStore } from '../storage/index.ts';
import { DEFAULT_TENANT, IdentityError } from './api-tokens.ts';
import type { AuthEvent, AuthEventSink } from './auth-events.ts';
import type { Sessions, TokenResponse } from './sessions.ts';
import type { UserRecord } from './user-repository.ts';
import type { Users } from './users.ts';

/** Single sign-on through one OpenID provider, for one tenant. */
export interface OidcConfig {
  /** The provider's issuer identifier (discovery at `<issuer>/.well-known/openid-configuration`). */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** This platform's callback, registered at the provider: `https://…/auth/oidc/callback`. */
  readonly redirectUri: string;
  /** The tenant whose people this provider signs in (default `default`). */
  readonly tenantId?: string;
  readonly scopes?: readonly string[];
  /** Create an account on a person's first sign-in (default false: an admin links them). */
  readonly autoProvision?: boolean;
  /** Roles of auto-provisioned accounts, and of mapped accounts whose groups map to none. */
  readonly defaultRoles?: readonly string[];
  /** Claim holding the person's groups (e.g. `groups`); when set, groups map to roles. */
  readonly groupsClaim?: string;
  /** Group → roles. When the claim is present, the mapping replaces the roles on every sign-in. */
  readonly groupRoles?: Readonly<Record<string, readonly string[]>>;
  readonly tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  /** Allows an `http:` issuer on a loopback address (tests, local development). */
  readonly allowInsecureLoopback?: boolean;
  /** How long a started login may take (default 10 min). */
  readonly loginTtlMs?: number;
}

export interface OidcLoginDeps {
  readonly config: OidcConfig;
  readonly store: RelationalStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly users: Users;
  readonly sessions: Sessions;
  readonly onAuthEvent?: AuthEventSink;
}

interface LoginRow {
  tenant_id: string;
  nonce: string;
  code_verifier: string;
  binding_hash: string;
  expires_at: number;
  [column: string]: unknown;
}

const TABLE = sql.raw('platform_oidc_logins');
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);
const sha256 = (value: string) => createHash('sha256').update(value).digest();
const failed = (message: string, details: Record<string, unknown> = {}) =>
  new IdentityError('IDENTITY_OIDC_FAILED', message, { details });

function groupsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((g): g is string => typeof g === 'string') : [];
}

/**
 * OIDC sign-in (authorization code flow with PKCE S256, state and nonce) through
 * `openid-client`. The state, nonce and PKCE verifier stay server-side in the relational store,
 * single use and short-lived; the browser only holds a random binding value in a cookie, so a
 * callback URL replayed in another browser (login CSRF) is refused.
 */
export function createOidcLogin(deps: OidcLoginDeps) {
  const { config } = deps;
  const tenantId = config.tenantId ?? DEFAULT_TENANT;
  const issuerUrl = new URL(config.issuer);
  const insecure = issuerUrl.protocol === 'http:';
  if (insecure && !(config.allowInsecureLoopback === true && LOOPBACK.has(issuerUrl.hostname)))
    throw new PlatformError(
      'CONFIG_INVALID',
      'the OIDC issuer must be https (http only on loopback with allowInsecureLoopback)',
    );
  const ttl = config.loginTtlMs ?? 600_000;
  let discovered: Promise<client.Configuration> | undefined;

  const configuration = (): Promise<client.Configuration> => {
    discovered ??= client
      .discovery(
        issuerUrl,
        config.clientId,
        { client_secret: config.clientSecret },
        config.tokenEndpointAuthMethod === 'client_secret_post'
          ? client.ClientSecretPost(config.clientSecret)
          : client.ClientSecretBasic(config.clientSecret),
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- loopback http only (checked above)
        { execute: insecure ? [client.allowInsecureRequests] : [], timeout: 10 },
      )
      .catch((err: unknown) => {
        discovered = undefined;
        throw new IdentityError('IDENTITY_OIDC_UNAVAILABLE', 'the OpenID provider is unreachable', {
          details: { code: (err as { code?: unknown }).code ?? 'unknown' },
        });
      });
    return discovered;
  };

  const emitFailure = async (
    reason: Extract<AuthEvent, { type: 'login.failed' }>['reason'],
    username: string,
    userId?: string,
  ) => {
    await deps.onAuthEvent?.({
      type: 'login.failed',
      at: deps.clock.now(),
      tenantId,
      username,
      method: 'oidc',
      reason,
      ...(userId !== undefined ? { userId } : {}),
    });
  };

  const mappedRoles = (claims: Record<string, unknown>): string[] | undefined => {
    if (config.groupsClaim === undefined || !(config.groupsClaim in claims)) return undefined;
    const roles = new Set<string>();
    for (const group of groupsOf(claims[config.groupsClaim]))
      for (const role of config.groupRoles?.[group] ?? []) roles.add(role);
    return roles.size > 0 ? [...roles] : [...(config.defaultRoles ?? [])];
  };

  const provision = async (
    issuer: string,
    subject: string,
    claims: Record<string, unknown>,
    roles: readonly string[],
  ): Promise<UserRecord> => {
    const preferred = [claims.preferred_username, claims.email].find(
      (v): v is string => typeof v === 'string' && v.trim() !== '',
    );
    const base = (preferred ?? subject).replaceAll(/\s+/g, '');
    const suffix = sha256(`${issuer} ${subject}`).toString('hex').slice(0, 8);
    const displayName = typeof claims.name === 'string' ? claims.name : null;
    for (const username of [base, `${base}~${suffix}`]) {
      try {
        return await deps.users.create(tenantId, {
          username,
          roles,
          displayName,
          oidc: { issuer, subject },
        });
      } catch (err) {
        // Never link to an existing local account by name: that would let the provider take it over.
        if (!(err instanceof IdentityError && err.code === 'IDENTITY_USER_EXISTS')) throw err;
      }
    }
    throw new IdentityError('IDENTITY_USER_EXISTS', 'no free username for this OIDC account');
  };

  return {
    tenantId,
    loginTtlMs: ttl,
    /** Whether the binding cookie is `Secure` (the callback is https). */
    secureCookies: new URL(config.redirectUri).protocol === 'https:',

    /**
     * Starts a sign-in: the provider URL to send the browser to, and the binding value to set
     * as a cookie for the callback.
     */
    async begin(): Promise<{ readonly authorizationUrl: string; readonly binding: string }> {
      const oidc = await configuration();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const verifier = client.randomPKCECodeVerifier();
      const binding = deps.ids.token(32);
      const now = deps.clock.now();
      await deps.store.execute(sql`INSERT INTO ${TABLE}
        (state_hash, tenant_id, nonce, code_verifier, binding_hash, created_at, expires_at)
        VALUES (${sha256(state).toString('hex')}, ${tenantId}, ${nonce}, ${verifier},
                ${sha256(binding).toString('hex')}, ${now}, ${now + ttl})`);
      const url = client.buildAuthorizationUrl(oidc, {
        redirect_uri: config.redirectUri,
        scope: (config.scopes ?? ['openid', 'profile', 'email']).join(' '),
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      return { authorizationUrl: url.href, binding };
    },

    /**
     * Completes a sign-in from the callback's query string and the binding cookie: exchanges
     * the code, validates the ID token, maps the person to an account and starts a session.
     */
    async complete(query: string, binding: string | undefined): Promise<TokenResponse> {
      const params = new URLSearchParams(query);
      const state = params.get('state');
      if (state === null) throw failed('the callback has no state');
      const row = await deps.store.queryOne<LoginRow>(
        sql`DELETE FROM ${TABLE} WHERE state_hash = ${sha256(state).toString('hex')} RETURNING *`,
      );
      if (!row || row.expires_at <= deps.clock.now())
        throw failed('unknown or expired sign-in; start again');
      if (
        binding === undefined ||
        !timingSafeEqual(sha256(binding), Buffer.from(row.binding_hash, 'hex'))
      )
        throw failed('this sign-in was started in another browser');

      const oidc = await configuration();
      const current = new URL(config.redirectUri);
      current.search = params.toString();
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(oidc, current, {
          pkceCodeVerifier: row.code_verifier,
          expectedState: state,
          expectedNonce: row.nonce,
          idTokenExpected: true,
        });
      } catch (err) {
        // Only the error codes: causes may hold the provider's token response.
        const e = err as { code?: unknown; error?: unknown };
        await emitFailure('provider_error', '');
        throw failed('the OpenID provider did not complete the sign-in', {
          code: typeof e.code === 'string' ? e.code : 'unknown',
          ...(typeof e.error === 'string' ? { error: e.error } : {}),
        });
      }
      const idClaims = tokens.claims();
      if (!idClaims) throw failed('the provider returned no ID token');
      let claims: Record<string, unknown> = { ...idClaims };
      const wantsUserinfo =
        (config.groupsClaim !== undefined && !(config.groupsClaim in claims)) ||
        (claims.preferred_username === undefined && claims.email === undefined);
      if (wantsUserinfo && oidc.serverMetadata().userinfo_endpoint !== undefined) {
        const info = await client.fetchUserInfo(oidc, tokens.access_token, idClaims.sub);
        claims = { ...info, ...idClaims };
      }
      const { iss: issuer, sub: subject } = idClaims;
      const roles = mappedRoles(claims);
      const existing = await deps.users.findByExternal(tenantId, issuer, subject);
      let user: UserRecord;
      if (!existing) {
        if (config.autoProvision !== true) {
          await emitFailure('not_provisioned', subject);
          throw new IdentityError(
            'IDENTITY_NOT_PROVISIONED',
            'no account is linked to this OpenID identity; ask an administrator',
          );
        }
        user = await provision(issuer, subject, claims, roles ?? config.defaultRoles ?? []);
      } else {
        if (existing.locked) {
          await emitFailure('account_locked', existing.username, existing.id);
          throw new IdentityError('IDENTITY_INVALID_CREDENTIALS', 'the account is locked');
        }
        user = await deps.users.recordLogin(
          tenantId,
          existing.id,
          roles === undefined ? {} : { roles },
        );
      }
      await deps.onAuthEvent?.({
        type: 'login.succeeded',
        at: deps.clock.now(),
        tenantId,
        userId: user.id,
        username: user.username,
        method: 'oidc',
      });
      return deps.sessions.start(user);
    },

    /** Deletes sign-ins that were started and never completed. */
    async purgeExpired(): Promise<number> {
      const { rowCount } = await deps.store.execute(
        sql`DELETE FROM ${TABLE} WHERE expires_at <= ${deps.clock.now()}`,
      );
      return rowCount;
    },
  };
}

export type OidcLogin = ReturnType<typeof createOidcLogin>;

import { createHash } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTHeaderParameters } from 'jose';
import { z } from 'zod';
import type { Clock } from '../clock/index.ts';
import type { IdGenerator } from '../ids/index.ts';
import { IdentityError } from './api-tokens.ts';
import type { Principal } from './api-tokens.ts';
import { createLruCache } from './lru-cache.ts';
import { noCustomRoles } from './role-grants.ts';
import type { CustomRolesOf } from './role-grants.ts';
import { permissionsOf } from './roles.ts';
import { SIGNING_ALG } from './signing-keys.ts';
import type { SigningKeys } from './signing-keys.ts';
import type { TokenRevocations } from './token-revocations.ts';

/** JWT access tokens carry `typ: at+jwt` (RFC 9068 §2.1). */
export const ACCESS_TOKEN_TYP = 'at+jwt';
/** The `client_id` claim of people's tokens: the platform's own first-party client. */
export const FIRST_PARTY_CLIENT_ID = 'claytom-secops';

export interface AccessTokensDeps {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly keys: SigningKeys;
  readonly revocations: TokenRevocations;
  /** `iss` of every token, exactly as verified (e.g. the API's public URL). */
  readonly issuer: string;
  /** `aud` of every token. */
  readonly audience: string;
  /** Lifetime of an access token (default 10 min). */
  readonly ttlMs?: number;
  /** Tolerance for clock skew on `exp`, `nbf` and `iat`, in seconds (default 30). */
  readonly clockToleranceSeconds?: number;
  readonly customRolesOf?: CustomRolesOf;
  /** Verified tokens are remembered this long (default 30 s; revocation is still checked). */
  readonly cacheTtlMs?: number;
  readonly cacheMaxEntries?: number;
}

/** Who a token is issued to. */
export interface TokenSubject {
  readonly id: string;
  readonly kind: 'user' | 'agent';
  readonly name: string;
  readonly tenantId: string;
  readonly roles: readonly string[];
  /** OAuth2 client the token is for; the first-party client for people. */
  readonly clientId?: string;
  /** The refresh-token family (sign-in session) of a person's token. */
  readonly sessionId?: string;
}

export interface IssuedAccessToken {
  readonly token: string;
  readonly jti: string;
  /** Epoch ms. */
  readonly expiresAt: number;
  /** Seconds, for `expires_in`. */
  readonly expiresIn: number;
}

export interface VerifiedAccessToken {
  readonly principal: Principal;
  readonly jti: string;
  readonly clientId: string;
  readonly sessionId: string | undefined;
  /** Epoch ms (from `iat`). */
  readonly issuedAt: number;
  /** Epoch ms (from `exp`). */
  readonly expiresAt: number;
}

const CLAIMS = z.object({
  sub: z.string().min(1),
  jti: z.string().min(1),
  iat: z.number().int(),
  exp: z.number().int(),
  client_id: z.string().min(1),
  tenant: z.string().min(1),
  roles: z.array(z.string()),
  kind: z.enum(['user', 'agent']),
  name: z.string(),
  sid: z.string().min(1).optional(),
});

type Reason =
  | 'malformed'
  | 'alg_not_allowed'
  | 'unknown_key'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'claim_invalid'
  | 'revoked';

const refuse = (reason: Reason, message: string) =>
  new IdentityError('IDENTITY_UNAUTHENTICATED', message, { details: { reason } });

const UNKNOWN_KEY = 'unknown signing key';

function toRefusal(err: unknown): IdentityError {
  if (err instanceof IdentityError) return err;
  if (err instanceof joseErrors.JWTExpired) return refuse('expired', 'the access token expired');
  if (err instanceof joseErrors.JWTClaimValidationFailed)
    return err.claim === 'nbf'
      ? refuse('not_yet_valid', 'the access token is not valid yet')
      : refuse('claim_invalid', `the access token's ${err.claim} is not accepted`);
  if (err instanceof joseErrors.JOSEAlgNotAllowed)
    return refuse('alg_not_allowed', 'the access token is not signed with ES256');
  if (err instanceof joseErrors.JWSSignatureVerificationFailed)
    return refuse('bad_signature', 'the access token signature does not verify');
  if (err instanceof joseErrors.JWKSNoMatchingKey)
    return refuse('unknown_key', 'the access token was signed by an unknown key');
  return refuse('malformed', 'not a valid access token');
}

const tokenKey = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Issues and verifies JWT access tokens (RFC 9068 profile, ES256). Verification pins the
 * algorithm, requires `typ: at+jwt`, a known `kid`, the exact `iss` and `aud`, checks time
 * claims with a small tolerance, and refuses revoked tokens on every call, cached or not.
 */
export function createAccessTokens(deps: AccessTokensDeps) {
  const ttlMs = deps.ttlMs ?? 600_000;
  const tolerance = deps.clockToleranceSeconds ?? 30;
  const customRolesOf = deps.customRolesOf ?? noCustomRoles;
  const cacheTtl = deps.cacheTtlMs ?? 30_000;
  const cache = createLruCache<VerifiedAccessToken>(deps.cacheMaxEntries ?? 10_000);

  const getKey = async (header: JWTHeaderParameters) => {
    if (header.alg !== SIGNING_ALG) throw new joseErrors.JOSEAlgNotAllowed('alg not allowed');
    const key = header.kid === undefined ? undefined : await deps.keys.verificationKey(header.kid);
    if (!key) throw new joseErrors.JWKSNoMatchingKey(UNKNOWN_KEY);
    return key;
  };

  const decode = async (token: string): Promise<VerifiedAccessToken> => {
    const now = deps.clock.now();
    const { payload } = await jwtVerify(token, getKey, {
      algorithms: [SIGNING_ALG],
      issuer: deps.issuer,
      audience: deps.audience,
      typ: ACCESS_TOKEN_TYP,
      clockTolerance: tolerance,
      currentDate: new Date(now),
      requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
    });
    const parsed = CLAIMS.safeParse(payload);
    if (!parsed.success) throw refuse('claim_invalid', 'the access token lacks required claims');
    const claims = parsed.data;
    if (claims.iat * 1000 > now + tolerance * 1000)
      throw refuse('not_yet_valid', 'the access token was issued in the future');
    return {
      principal: {
        id: claims.sub,
        name: claims.name,
        kind: claims.kind,
        tenantId: claims.tenant,
        roles: claims.roles,
        permissions: permissionsOf(claims.roles, await customRolesOf(claims.tenant)),
      },
      jti: claims.jti,
      clientId: claims.client_id,
      sessionId: claims.sid,
      issuedAt: claims.iat * 1000,
      expiresAt: claims.exp * 1000,
    };
  };

  const verifyClaims = async (token: string): Promise<VerifiedAccessToken> => {
    const key = tokenKey(token);
    const now = deps.clock.now();
    let verified = cache.get(key, now);
    if (!verified) {
      try {
        verified = await decode(token);
      } catch (err) {
        throw toRefusal(err);
      }
      cache.set(key, verified, Math.min(now + cacheTtl, verified.expiresAt));
    }
    const revoked = await deps.revocations.isRevoked({
      jti: verified.jti,
      tenantId: verified.principal.tenantId,
      subject: verified.principal.id,
      issuedAt: verified.issuedAt,
    });
    if (revoked) throw refuse('revoked', 'the access token was revoked');
    return verified;
  };

  return {
    ttlMs,
    /** How long a revocation must be remembered: the longest lifetime plus tolerance. */
    maxLifetimeMs: ttlMs + tolerance * 1000,

    async issue(subject: TokenSubject): Promise<IssuedAccessToken> {
      const { kid, privateKey } = await deps.keys.signer();
      const now = deps.clock.now();
      const iat = Math.floor(now / 1000);
      const exp = iat + Math.floor(ttlMs / 1000);
      const jti = deps.ids.uuidv7();
      const token = await new SignJWT({
        client_id: subject.clientId ?? FIRST_PARTY_CLIENT_ID,
        tenant: subject.tenantId,
        roles: [...subject.roles],
        kind: subject.kind,
        name: subject.name,
        ...(subject.sessionId !== undefined ? { sid: subject.sessionId } : {}),
      })
        .setProtectedHeader({ alg: SIGNING_ALG, kid, typ: ACCESS_TOKEN_TYP })
        .setIssuer(deps.issuer)
        .setAudience(deps.audience)
        .setSubject(subject.id)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .setJti(jti)
        .sign(privateKey);
      return { token, jti, expiresAt: exp * 1000, expiresIn: exp - iat };
    },

    verifyClaims,

    /** The principal of a valid access token; IDENTITY_UNAUTHENTICATED (with a reason) otherwise. */
    async verify(token: string): Promise<Principal> {
      return (await verifyClaims(token)).principal;
    },

    /** Refuses this token from now on (logout). */
    async revoke(verified: VerifiedAccessToken): Promise<void> {
      await deps.revocations.revokeToken({
        jti: verified.jti,
        tenantId: verified.principal.tenantId,
        subject: verified.principal.id,
        expiresAt: verified.expiresAt + tolerance * 1000,
      });
    },
  };
}

export type AccessTokens = ReturnType<typeof createAccessTokens>;

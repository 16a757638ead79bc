import { createHash } from 'node:crypto';
import type { Clock } from '../clock/index.ts';
import type { IdGenerator } from '../ids/index.ts';
import { sql } from '../storage/index.ts';
import type { RelationalStore, SqlExecutor } from '../storage/index.ts';
import { IdentityError } from './api-tokens.ts';
import type { AuthEventSink } from './auth-events.ts';

/** Refresh tokens look like `srt_<43 chars>` (256 random bits). */
export const REFRESH_TOKEN_PREFIX = 'srt_';

export interface RefreshTokensDeps {
  readonly store: RelationalStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** A family (one sign-in) ends this long after it began, whatever its use (default 12 h). */
  readonly absoluteLifetimeMs?: number;
  /** A token unused this long expires (default 1 h); each rotation starts a new idle period. */
  readonly idleLifetimeMs?: number;
  readonly onAuthEvent?: AuthEventSink;
}

export interface IssuedRefreshToken {
  readonly token: string;
  readonly familyId: string;
  readonly tenantId: string;
  readonly userId: string;
  /** Epoch ms when this token stops working unless rotated. */
  readonly expiresAt: number;
}

interface TokenRow {
  token_hash: string;
  tenant_id: string;
  family_id: string;
  idle_expires_at: number;
  rotated_at: number | null;
  user_id: string;
  family_expires_at: number;
  revoked_at: number | null;
  [column: string]: unknown;
}

const FAMILIES = sql.raw('platform_refresh_families');
const TOKENS = sql.raw('platform_refresh_tokens');
const forUpdate = sql.dialect({ sqlite: sql``, postgres: sql`FOR UPDATE OF t` });
const hash = (token: string) => createHash('sha256').update(token).digest('hex');

const invalidGrant = () =>
  new IdentityError('IDENTITY_INVALID_GRANT', 'the refresh token is invalid, expired or revoked');

/**
 * Opaque, rotating refresh tokens for people (stored as SHA-256 hashes). Each sign-in starts a
 * family; every use invalidates the token and issues its successor. Presenting a token that was
 * already rotated means it leaked (or raced): the whole family is revoked and
 * `refresh.reuse_detected` is reported (RFC 6819 §5.2.2.3, OAuth 2.1 §4.3.1).
 */
export function createRefreshTokens(deps: RefreshTokensDeps) {
  const absolute = deps.absoluteLifetimeMs ?? 12 * 3_600_000;
  const idle = deps.idleLifetimeMs ?? 3_600_000;

  const insertToken = async (
    ex: SqlExecutor,
    family: { id: string; tenantId: string; userId: string; expiresAt: number },
    now: number,
  ): Promise<IssuedRefreshToken> => {
    const token = REFRESH_TOKEN_PREFIX + deps.ids.token(32);
    const expiresAt = Math.min(now + idle, family.expiresAt);
    await ex.execute(sql`INSERT INTO ${TOKENS} (token_hash, tenant_id, family_id, created_at, idle_expires_at)
      VALUES (${hash(token)}, ${family.tenantId}, ${family.id}, ${now}, ${expiresAt})`);
    return {
      token,
      familyId: family.id,
      tenantId: family.tenantId,
      userId: family.userId,
      expiresAt,
    };
  };

  const revokeFamilies = async (
    ex: SqlExecutor,
    where: ReturnType<typeof sql>,
    reason: string,
    now: number,
  ) => {
    await ex.execute(
      sql`UPDATE ${FAMILIES} SET revoked_at = ${now}, revoked_reason = ${reason} WHERE ${where} AND revoked_at IS NULL`,
    );
  };

  return {
    absoluteLifetimeMs: absolute,
    idleLifetimeMs: idle,

    /** Starts a family for a new sign-in and returns its first token. */
    async start(tenantId: string, userId: string): Promise<IssuedRefreshToken> {
      const now = deps.clock.now();
      const family = { id: deps.ids.uuidv7(), tenantId, userId, expiresAt: now + absolute };
      return deps.store.transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO ${FAMILIES} (id, tenant_id, user_id, created_at, expires_at)
          VALUES (${family.id}, ${tenantId}, ${userId}, ${now}, ${family.expiresAt})`);
        return insertToken(tx, family, now);
      });
    },

    /**
     * Exchanges a refresh token for its successor. Unknown, expired or revoked tokens are
     * IDENTITY_INVALID_GRANT; a token already exchanged revokes its family first.
     */
    async rotate(token: string): Promise<IssuedRefreshToken> {
      const now = deps.clock.now();
      const outcome = await deps.store.transaction(async (tx) => {
        const row = await tx.queryOne<TokenRow>(sql`
          SELECT t.token_hash, t.tenant_id, t.family_id, t.idle_expires_at, t.rotated_at,
                 f.user_id, f.expires_at AS family_expires_at, f.revoked_at
          FROM ${TOKENS} t JOIN ${FAMILIES} f ON f.id = t.family_id
          WHERE t.token_hash = ${hash(token)} ${forUpdate}`);
        if (row?.revoked_at !== null) return { kind: 'invalid' as const };
        const family = {
          id: row.family_id,
          tenantId: row.tenant_id,
          userId: row.user_id,
          expiresAt: row.family_expires_at,
        };
        const reuse = async () => {
          await revokeFamilies(tx, sql`id = ${family.id}`, 'reuse', now);
          return { kind: 'reuse' as const, family };
        };
        if (row.rotated_at !== null) return reuse();
        if (now >= family.expiresAt || now >= row.idle_expires_at)
          return { kind: 'invalid' as const };
        const { rowCount } = await tx.execute(
          sql`UPDATE ${TOKENS} SET rotated_at = ${now} WHERE token_hash = ${row.token_hash} AND rotated_at IS NULL`,
        );
        if (rowCount === 0) return reuse();
        return { kind: 'rotated' as const, issued: await insertToken(tx, family, now) };
      });
      switch (outcome.kind) {
        case 'rotated':
          return outcome.issued;
        case 'reuse':
          await deps.onAuthEvent?.({
            type: 'refresh.reuse_detected',
            at: now,
            tenantId: outcome.family.tenantId,
            userId: outcome.family.userId,
            familyId: outcome.family.id,
          });
          throw invalidGrant();
        case 'invalid':
          throw invalidGrant();
      }
    },

    /** Ends one sign-in session (logout). */
    async revokeFamily(tenantId: string, familyId: string, reason = 'logout'): Promise<void> {
      await revokeFamilies(
        deps.store,
        sql`tenant_id = ${tenantId} AND id = ${familyId}`,
        reason,
        deps.clock.now(),
      );
    },

    /** Ends every sign-in session of a person (account locked). */
    async revokeAllForUser(tenantId: string, userId: string, reason = 'locked'): Promise<void> {
      await revokeFamilies(
        deps.store,
        sql`tenant_id = ${tenantId} AND user_id = ${userId}`,
        reason,
        deps.clock.now(),
      );
    },

    /** Deletes families (and their tokens) past their absolute lifetime. */
    async purgeExpired(): Promise<number> {
      const now = deps.clock.now();
      return deps.store.transaction(async (tx) => {
        await tx.execute(
          sql`DELETE FROM ${TOKENS} WHERE family_id IN (SELECT id FROM ${FAMILIES} WHERE expires_at <= ${now})`,
        );
        const { rowCount } = await tx.execute(
          sql`DELETE FROM ${FAMILIES} WHERE expires_at <= ${now}`,
        );
        return rowCount;
      });
    },
  };
}

export type RefreshTokens = ReturnType<typeof createRefreshTokens>;

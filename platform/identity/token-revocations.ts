import type { Clock } from '../clock/index.ts';
import { sql } from '../storage/index.ts';
import type { RelationalStore } from '../storage/index.ts';

export interface TokenRevocationsDeps {
  readonly store: RelationalStore;
  readonly clock: Clock;
  /** How long a revocation must be remembered: the longest access-token lifetime plus tolerance. */
  readonly retainMs: number;
}

const TOKENS = sql.raw('platform_revoked_tokens');
const SUBJECTS = sql.raw('platform_revoked_subjects');

/**
 * Access tokens refused before they expire: single tokens by `jti` (logout), and every token of
 * a subject issued up to an instant (agent disabled, user locked). Checked on every request, so
 * a revocation takes effect at once in every process. Rows are kept only until the tokens they
 * refuse would have expired anyway.
 */
export function createTokenRevocations(deps: TokenRevocationsDeps) {
  return {
    async revokeToken(token: {
      readonly jti: string;
      readonly tenantId: string;
      readonly subject: string;
      readonly expiresAt: number;
    }): Promise<void> {
      await deps.store
        .execute(sql`INSERT INTO ${TOKENS} (jti, tenant_id, subject, revoked_at, expires_at)
        VALUES (${token.jti}, ${token.tenantId}, ${token.subject}, ${deps.clock.now()}, ${token.expiresAt})
        ON CONFLICT (jti) DO NOTHING`);
    },

    /** Refuses every token of `subject` issued until now (its `iat` is at or before now). */
    async revokeSubject(tenantId: string, subject: string): Promise<void> {
      const now = deps.clock.now();
      await deps.store
        .execute(sql`INSERT INTO ${SUBJECTS} (tenant_id, subject, revoked_before, expires_at)
        VALUES (${tenantId}, ${subject}, ${now}, ${now + deps.retainMs})
        ON CONFLICT (tenant_id, subject) DO UPDATE SET revoked_before = excluded.revoked_before, expires_at = excluded.expires_at`);
    },

    async isRevoked(token: {
      readonly jti: string;
      readonly tenantId: string;
      readonly subject: string;
      /** `iat` in epoch milliseconds. */
      readonly issuedAt: number;
    }): Promise<boolean> {
      const hit = await deps.store.queryOne(sql`
        SELECT 1 AS hit FROM ${TOKENS} WHERE jti = ${token.jti}
        UNION ALL
        SELECT 1 AS hit FROM ${SUBJECTS}
          WHERE tenant_id = ${token.tenantId} AND subject = ${token.subject} AND revoked_before >= ${token.issuedAt}`);
      return hit !== undefined;
    },

    async purgeExpired(): Promise<number> {
      const now = deps.clock.now();
      const a = await deps.store.execute(sql`DELETE FROM ${TOKENS} WHERE expires_at <= ${now}`);
      const b = await deps.store.execute(sql`DELETE FROM ${SUBJECTS} WHERE expires_at <= ${now}`);
      return a.rowCount + b.rowCount;
    },
  };
}

export type TokenRevocations = ReturnType<typeof createTokenRevocations>;

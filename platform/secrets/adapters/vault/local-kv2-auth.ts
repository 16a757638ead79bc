import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../clock/index.ts';
import { errorReply } from './local-kv2-engine.ts';
import type { Kv2Reply } from './local-kv2-engine.ts';

/** A token the local server issued: its lifetime and the logical paths it may touch. */
export interface TokenState {
  expiresAt: number | undefined;
  readonly issuedAt: number;
  readonly ttlMs: number;
  readonly maxTtlMs: number | undefined;
  readonly renewable: boolean;
  /** Logical path prefixes allowed; undefined = everything. */
  readonly paths: readonly string[] | undefined;
}

/** The AppRole role the local server accepts. */
export interface LocalApprole {
  readonly roleId: string;
  readonly secretId: string;
  readonly tokenTtlSeconds?: number;
  readonly tokenMaxTtlSeconds?: number;
}

/**
 * Token auth of the local KV v2 server: a root token, AppRole login (`auth/approle/login`),
 * `auth/token/renew-self` capped at the max TTL, expiry against the server's clock.
 */
export function createTokenAuthority(options: {
  readonly clock: Clock;
  readonly rootToken: string;
  readonly approle?: LocalApprole;
  readonly envelope: (data: unknown, extra: Record<string, unknown>) => unknown;
}) {
  const { clock, rootToken } = options;
  const tokens = new Map<string, TokenState>();
  const root: TokenState = {
    expiresAt: undefined,
    issuedAt: 0,
    ttlMs: 0,
    maxTtlMs: undefined,
    renewable: false,
    paths: undefined,
  };

  const issue = (
    ttlSeconds: number,
    maxTtlSeconds: number | undefined,
    paths?: readonly string[],
  ): [string, TokenState] => {
    const token = `hvs.${randomBytes(18).toString('base64url')}`;
    const now = clock.now();
    const state: TokenState = {
      issuedAt: now,
      ttlMs: ttlSeconds * 1000,
      maxTtlMs: maxTtlSeconds === undefined ? undefined : maxTtlSeconds * 1000,
      expiresAt: ttlSeconds > 0 ? now + ttlSeconds * 1000 : undefined,
      renewable: ttlSeconds > 0,
      paths,
    };
    tokens.set(token, state);
    return [token, state];
  };

  // The shape of Vault's login and renew-self answers.
  const authBody = (token: string, state: TokenState): unknown =>
    options.envelope(null, {
      mount_type: '',
      auth: {
        client_token: token,
        accessor: randomBytes(12).toString('hex'),
        policies: ['default'],
        token_policies: ['default'],
        metadata: { role_name: 'secops' },
        lease_duration:
          state.expiresAt === undefined
            ? 0
            : Math.max(0, Math.round((state.expiresAt - clock.now()) / 1000)),
        renewable: state.renewable,
        entity_id: '',
        token_type: 'service',
        orphan: true,
        mfa_requirement: null,
        num_uses: 0,
      },
    });

  return {
    issue,

    /** The token's state, or undefined when it is unknown, revoked or expired. */
    validToken(token: string | undefined): TokenState | undefined {
      if (token === undefined) return undefined;
      if (token === rootToken) return root;
      const state = tokens.get(token);
      if (state?.expiresAt !== undefined && state.expiresAt <= clock.now()) {
        tokens.delete(token);
        return undefined;
      }
      return state;
    },

    login(body: Record<string, unknown>): Kv2Reply {
      const role = options.approle;
      if (role === undefined) return errorReply(404, 'no handler for route "auth/approle/login"');
      if (typeof body.role_id !== 'string' || body.role_id === '')
        return errorReply(400, 'missing role_id');
      if (body.role_id !== role.roleId || body.secret_id !== role.secretId)
        return errorReply(400, 'invalid role or secret ID');
      const [token, state] = issue(role.tokenTtlSeconds ?? 3600, role.tokenMaxTtlSeconds);
      return { status: 200, body: authBody(token, state) };
    },

    renewSelf(token: string, state: TokenState, body: Record<string, unknown>): Kv2Reply {
      if (!state.renewable || state.expiresAt === undefined)
        return errorReply(400, 'lease is not renewable');
      const now = clock.now();
      const increment = typeof body.increment === 'number' ? body.increment * 1000 : state.ttlMs;
      let expiresAt = now + increment;
      if (state.maxTtlMs !== undefined)
        expiresAt = Math.min(expiresAt, state.issuedAt + state.maxTtlMs);
      state.expiresAt = expiresAt;
      return { status: 200, body: authBody(token, state) };
    },

    revokeAll(): void {
      tokens.clear();
    },
  };
}

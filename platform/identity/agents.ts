import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock/index.ts';
import type { IdGenerator } from '../ids/index.ts';
import type { RelationalStore } from '../storage/index.ts';
import { agentRepository as repo, toAgentRecord } from './agent-repository.ts';
import type { AgentRecord } from './agent-repository.ts';
import { IdentityError } from './api-tokens.ts';
import type { AuthEventSink } from './auth-events.ts';
import { assertRolesExist, noCustomRoles, uniqueRoles } from './role-grants.ts';
import type { CustomRolesOf } from './role-grants.ts';

/** Client secrets look like `sac_<43 chars>` (256 random bits); the prefix lets scanners find leaks. */
export const CLIENT_SECRET_PREFIX = 'sac_';
/** Client ids look like `agt_<22 chars>`; they are public. */
export const CLIENT_ID_PREFIX = 'agt_';

export interface AgentsDeps {
  readonly store: RelationalStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly customRolesOf?: CustomRolesOf;
  readonly onAuthEvent?: AuthEventSink;
  /** Refuses the agent's live access tokens at once (called on disable). */
  readonly revokeTokens?: (tenantId: string, agentId: string) => Promise<void>;
}

export interface NewAgent {
  readonly name: string;
  readonly description?: string;
  readonly roles: readonly string[];
}

/** A secret as issued: shown once, never stored or retrievable again. */
export interface IssuedSecret {
  readonly agent: AgentRecord;
  readonly clientSecret: string;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;
// Random secrets of 256 bits: a fast hash is enough (no dictionary to guess from).
const digest = (secret: string): Buffer => createHash('sha256').update(secret).digest();
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Automation agents (OAuth2 client credentials): creation with a one-time secret, rotation with
 * an optional grace period for the previous secret, enabling and disabling, and client
 * authentication for the token endpoint.
 */
export function createAgents(deps: AgentsDeps) {
  const customRolesOf = deps.customRolesOf ?? noCustomRoles;
  const newSecret = () => {
    const secret = CLIENT_SECRET_PREFIX + deps.ids.token(32);
    return { secret, hash: digest(secret).toString('hex'), hint: secret.slice(-4) };
  };
  const get = async (tenantId: string, id: string): Promise<AgentRecord> => {
    const row = await repo.byId(deps.store, tenantId, id);
    if (!row) throw new IdentityError('IDENTITY_AGENT_NOT_FOUND', `no agent ${id}`);
    return toAgentRecord(row);
  };

  return {
    async create(tenantId: string, input: NewAgent): Promise<IssuedSecret> {
      if (!NAME.test(input.name))
        throw new IdentityError('IDENTITY_INVALID_INPUT', 'invalid agent name', {
          issues: [{ path: 'name', message: 'lowercase letters, digits, . _ -; 1-128 long' }],
        });
      const roles = uniqueRoles(input.roles);
      await assertRolesExist(customRolesOf, tenantId, roles);
      const { secret, hash, hint } = newSecret();
      const id = deps.ids.uuidv7();
      await repo.insert(deps.store, {
        id,
        tenantId,
        name: input.name,
        description: input.description ?? '',
        clientId: CLIENT_ID_PREFIX + deps.ids.token(16),
        secretHash: hash,
        secretHint: hint,
        roles,
        now: deps.clock.now(),
      });
      return { agent: await get(tenantId, id), clientSecret: secret };
    },

    get,

    async list(tenantId: string, page: { limit: number; offset: number }): Promise<AgentRecord[]> {
      return (await repo.list(deps.store, tenantId, page.limit, page.offset)).map(toAgentRecord);
    },

    /**
     * Issues a new secret. With `graceMs` > 0 the previous secret keeps working that long, so a
     * fleet can roll over without downtime; otherwise it stops at once.
     */
    async rotateSecret(
      tenantId: string,
      id: string,
      options: { readonly graceMs?: number } = {},
    ): Promise<IssuedSecret> {
      const now = deps.clock.now();
      const { secret, hash, hint } = newSecret();
      const grace = options.graceMs ?? 0;
      const replaced = await repo.replaceSecret(
        deps.store,
        tenantId,
        id,
        { hash, hint, keepPreviousUntil: grace > 0 ? now + grace : null },
        now,
      );
      if (!replaced) throw new IdentityError('IDENTITY_AGENT_NOT_FOUND', `no agent ${id}`);
      return { agent: await get(tenantId, id), clientSecret: secret };
    },

    /** Stops the agent: no new tokens, and its live access tokens are refused from now on. */
    async disable(tenantId: string, id: string): Promise<AgentRecord> {
      if (!(await repo.setEnabled(deps.store, tenantId, id, false, deps.clock.now())))
        throw new IdentityError('IDENTITY_AGENT_NOT_FOUND', `no agent ${id}`);
      await deps.revokeTokens?.(tenantId, id);
      return get(tenantId, id);
    },

    async enable(tenantId: string, id: string): Promise<AgentRecord> {
      if (!(await repo.setEnabled(deps.store, tenantId, id, true, deps.clock.now())))
        throw new IdentityError('IDENTITY_AGENT_NOT_FOUND', `no agent ${id}`);
      return get(tenantId, id);
    },

    /**
     * The agent whose credentials these are. Unknown client, wrong secret and disabled agent are
     * all IDENTITY_INVALID_CLIENT; secrets are compared in constant time.
     */
    async authenticateClient(clientId: string, clientSecret: string): Promise<AgentRecord> {
      const now = deps.clock.now();
      const presented = digest(clientSecret);
      const row = await repo.byClientId(deps.store, clientId);
      const matches = (stored: string | null) =>
        stored !== null && timingSafeEqual(presented, Buffer.from(stored, 'hex'));
      const current = row ? matches(row.secret_hash) : timingSafeEqual(presented, presented);
      const previous =
        row !== undefined &&
        !current &&
        row.previous_secret_expires_at !== null &&
        row.previous_secret_expires_at > now &&
        matches(row.previous_secret_hash);
      const reason = !row
        ? 'unknown_client'
        : !current && !previous
          ? 'bad_secret'
          : row.enabled !== 1
            ? 'disabled'
            : undefined;
      if (!row || reason !== undefined) {
        await deps.onAuthEvent?.({
          type: 'client.failed',
          at: now,
          clientId,
          reason: reason ?? 'unknown_client',
          ...(row ? { tenantId: row.tenant_id, agentId: row.id } : {}),
        });
        throw new IdentityError('IDENTITY_INVALID_CLIENT', 'client authentication failed');
      }
      if (row.last_used_at === null || row.last_used_at < now - LAST_USED_RESOLUTION_MS)
        await repo.touch(deps.store, row.id, now);
      await deps.onAuthEvent?.({
        type: 'client.authenticated',
        at: now,
        tenantId: row.tenant_id,
        agentId: row.id,
        clientId,
        previousSecret: previous,
      });
      return toAgentRecord(row);
    },
  };
}

export type Agents = ReturnType<typeof createAgents>;

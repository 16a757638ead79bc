import { PlatformError } from '../errors/index.ts';
import { sql } from '../storage/index.ts';
import type { SqlExecutor } from '../storage/index.ts';
import { IdentityError } from './api-tokens.ts';

/** An automation agent: an OAuth2 confidential client of one tenant. */
export interface AgentRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly description: string;
  /** Public identifier the agent sends with its secret. */
  readonly clientId: string;
  readonly roles: readonly string[];
  readonly enabled: boolean;
  /** Last four characters of the current secret, to tell secrets apart. */
  readonly secretHint: string;
  /** Until when the secret replaced by the last rotation still works, if it does. */
  readonly previousSecretExpiresAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly secretRotatedAt: number;
  readonly lastUsedAt: number | null;
}

export interface AgentRow {
  id: string;
  tenant_id: string;
  name: string;
  description: string;
  client_id: string;
  secret_hash: string;
  secret_hint: string;
  previous_secret_hash: string | null;
  previous_secret_expires_at: number | null;
  roles: string;
  enabled: number;
  created_at: number;
  updated_at: number;
  secret_rotated_at: number;
  last_used_at: number | null;
  [column: string]: unknown;
}

export function toAgentRecord(row: AgentRow): AgentRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    description: row.description,
    clientId: row.client_id,
    roles: JSON.parse(row.roles) as string[],
    enabled: row.enabled === 1,
    secretHint: row.secret_hint,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    secretRotatedAt: row.secret_rotated_at,
    lastUsedAt: row.last_used_at,
  };
}

const TABLE = sql.raw('platform_agents');

/** SQL for agents. Management statements are scoped by tenant; client lookup is by client id. */
export const agentRepository = {
  async insert(
    ex: SqlExecutor,
    agent: {
      id: string;
      tenantId: string;
      name: string;
      description: string;
      clientId: string;
      secretHash: string;
      secretHint: string;
      roles: readonly string[];
      now: number;
    },
  ): Promise<void> {
    try {
      await ex.execute(sql`INSERT INTO ${TABLE}
        (id, tenant_id, name, description, client_id, secret_hash, secret_hint, roles, enabled, created_at, updated_at, secret_rotated_at)
        VALUES (${agent.id}, ${agent.tenantId}, ${agent.name}, ${agent.description}, ${agent.clientId},
                ${agent.secretHash}, ${agent.secretHint}, ${JSON.stringify(agent.roles)}, ${1},
                ${agent.now}, ${agent.now}, ${agent.now})`);
    } catch (err) {
      if (err instanceof PlatformError && err.code === 'STORAGE_CONFLICT')
        throw new IdentityError('IDENTITY_AGENT_EXISTS', `an agent named ${agent.name} exists`, {
          cause: err,
        });
      throw err;
    }
  },

  byId(ex: SqlExecutor, tenantId: string, id: string) {
    return ex.queryOne<AgentRow>(
      sql`SELECT * FROM ${TABLE} WHERE tenant_id = ${tenantId} AND id = ${id}`,
    );
  },

  byClientId(ex: SqlExecutor, clientId: string) {
    return ex.queryOne<AgentRow>(sql`SELECT * FROM ${TABLE} WHERE client_id = ${clientId}`);
  },

  list(ex: SqlExecutor, tenantId: string, limit: number, offset: number) {
    return ex.query<AgentRow>(
      sql`SELECT * FROM ${TABLE} WHERE tenant_id = ${tenantId} ORDER BY name LIMIT ${limit} OFFSET ${offset}`,
    );
  },

  async replaceSecret(
    ex: SqlExecutor,
    tenantId: string,
    id: string,
    secret: { hash: string; hint: string; keepPreviousUntil: number | null },
    now: number,
  ): Promise<boolean> {
    const keep = secret.keepPreviousUntil;
    const { rowCount } = await ex.execute(sql`UPDATE ${TABLE} SET
        previous_secret_hash = ${keep === null ? sql`NULL` : sql`secret_hash`},
        previous_secret_expires_at = ${keep},
        secret_hash = ${secret.hash}, secret_hint = ${secret.hint},
        secret_rotated_at = ${now}, updated_at = ${now}
      WHERE tenant_id = ${tenantId} AND id = ${id}`);
    return rowCount > 0;
  },

  async setEnabled(
    ex: SqlExecutor,
    tenantId: string,
    id: string,
    enabled: boolean,
    now: number,
  ): Promise<boolean> {
    const { rowCount } = await ex.execute(
      sql`UPDATE ${TABLE} SET enabled = ${enabled ? 1 : 0}, updated_at = ${now} WHERE tenant_id = ${tenantId} AND id = ${id}`,
    );
    return rowCount > 0;
  },

  async touch(ex: SqlExecutor, id: string, now: number): Promise<void> {
    await ex.execute(sql`UPDATE ${TABLE} SET last_used_at = ${now} WHERE id = ${id}`);
  },
};

import { sql } from '../../../platform/storage/index.ts';
import type { RelationalStore, SqlFragment } from '../../../platform/storage/index.ts';
import type {
  CommandKind,
  CommandRecord,
  CommandStatus,
  CommandStore,
} from '../../playbooks/command-store.ts';

interface CommandRow {
  id: string;
  tenant_id: string;
  kind: string;
  request: string;
  status: string;
  run_ids: string;
  result: string | null;
  error: string | null;
  created_by: string;
  created_at: number | string;
  updated_at: number | string;
  [key: string]: unknown;
}

function toCommand(row: CommandRow): CommandRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    kind: row.kind as CommandKind,
    request: JSON.parse(row.request) as Record<string, unknown>,
    status: row.status as CommandStatus,
    runIds: JSON.parse(row.run_ids) as string[],
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
    error: row.error,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Commands in `soar_commands`, lane settings in `soar_lane_settings`. */
export function createRelationalCommandStore(store: RelationalStore): CommandStore {
  return {
    async insert(c) {
      await store.execute(sql`
        INSERT INTO soar_commands
          (id, tenant_id, kind, request, status, run_ids, result, error, created_by, created_at, updated_at)
        VALUES (${c.id}, ${c.tenantId}, ${c.kind}, ${JSON.stringify(c.request)}, ${c.status},
                ${JSON.stringify(c.runIds)}, ${c.result === null ? null : JSON.stringify(c.result)},
                ${c.error}, ${c.createdBy}, ${c.createdAt}, ${c.updatedAt})`);
    },

    async get(tenantId, id) {
      const row = await store.queryOne<CommandRow>(sql`
        SELECT * FROM soar_commands WHERE tenant_id = ${tenantId} AND id = ${id}`);
      return row === undefined ? undefined : toCommand(row);
    },

    async update(id, change) {
      const sets: SqlFragment[] = [];
      if (change.status !== undefined) sets.push(sql`status = ${change.status}`);
      if (change.runIds !== undefined) sets.push(sql`run_ids = ${JSON.stringify(change.runIds)}`);
      if (change.result !== undefined) sets.push(sql`result = ${JSON.stringify(change.result)}`);
      if (change.error !== undefined) sets.push(sql`error = ${change.error}`);
      if (change.updatedAt !== undefined) sets.push(sql`updated_at = ${change.updatedAt}`);
      if (sets.length === 0) return;
      await store.execute(sql`UPDATE soar_commands SET ${sql.join(sets)} WHERE id = ${id}`);
    },

    async laneSettings() {
      const rows = await store.query<{ lane: string; concurrency: number | string }>(
        sql`SELECT lane, concurrency FROM soar_lane_settings ORDER BY lane`,
      );
      return Object.fromEntries(rows.map((r) => [r.lane, Number(r.concurrency)]));
    },

    async setLane(lane, concurrency, at, by) {
      await store.execute(sql`
        INSERT INTO soar_lane_settings (lane, concurrency, updated_at, updated_by)
        VALUES (${lane}, ${concurrency}, ${at}, ${by})
        ON CONFLICT (lane) DO UPDATE SET concurrency = ${concurrency}, updated_at = ${at}, updated_by = ${by}`);
    },
  };
}

import type { AlertState, Severity } from '../../../detections/index.ts';
import { sql } from '../../../platform/storage/index.ts';
import type { RelationalStore } from '../../../platform/storage/index.ts';
import type { AlertOrigin, Resolution, TriageRecord } from '../../triage/triage.ts';
import type { ActivityEntry, TriageStore } from '../../triage/triage-store.ts';
import { assigneeOf, decodeIdCursor, pageOf, timeOf as time } from './row-values.ts';

interface TriageRow {
  tenant_id: string;
  alert_id: string;
  state: string;
  resolution: string | null;
  assignee_kind: string | null;
  assignee_id: string | null;
  assignee_team: string | null;
  origin: string;
  merged_into: string | null;
  rule_ref: string;
  severity: string;
  detected_at: number | string;
  event_time: number | string;
  acknowledged_at: number | string | null;
  in_progress_at: number | string | null;
  resolved_at: number | string | null;
  merged_at: number | string | null;
  contained_at: number | string | null;
  paused_since: number | string | null;
  paused_ms: number | string;
  updated_at: number | string;
  [column: string]: unknown;
}

interface ActivityRow {
  tenant_id: string;
  id: string;
  alert_id: string;
  at: number | string;
  actor_kind: string;
  actor_id: string;
  kind: string;
  from_state: string | null;
  to_state: string | null;
  details: string;
  [column: string]: unknown;
}

function toRecord(row: TriageRow): TriageRecord {
  return {
    tenantId: row.tenant_id,
    alertId: row.alert_id,
    state: row.state as AlertState,
    resolution: row.resolution as Resolution | null,
    assignee: assigneeOf(row.assignee_kind, row.assignee_id, row.assignee_team),
    origin: row.origin as AlertOrigin,
    mergedInto: row.merged_into,
    ruleRef: row.rule_ref,
    severity: row.severity as Severity,
    detectedAt: Number(row.detected_at),
    eventTime: Number(row.event_time),
    acknowledgedAt: time(row.acknowledged_at),
    inProgressAt: time(row.in_progress_at),
    resolvedAt: time(row.resolved_at),
    mergedAt: time(row.merged_at),
    containedAt: time(row.contained_at),
    pausedSince: time(row.paused_since),
    pausedMs: Number(row.paused_ms),
    updatedAt: Number(row.updated_at),
  };
}

function toEntry(row: ActivityRow): ActivityEntry {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    alertId: row.alert_id,
    at: Number(row.at),
    actor: { kind: row.actor_kind, id: row.actor_id },
    kind: row.kind,
    fromState: row.from_state,
    toState: row.to_state,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

/** Rows per multi-row statement: well under either dialect's limit on bound values. */
const CHUNK = 200;
const FOR_UPDATE = sql.dialect({ sqlite: sql``, postgres: sql` FOR UPDATE` });

const values = (r: TriageRecord) =>
  sql`(${r.tenantId}, ${r.alertId}, ${r.state}, ${r.resolution}, ${r.assignee?.kind ?? null}, ${r.assignee?.id ?? null}, ${r.assignee?.team ?? null}, ${r.origin}, ${r.mergedInto}, ${r.ruleRef}, ${r.severity}, ${r.detectedAt}, ${r.eventTime}, ${r.acknowledgedAt}, ${r.inProgressAt}, ${r.resolvedAt}, ${r.mergedAt}, ${r.containedAt}, ${r.pausedSince}, ${r.pausedMs}, ${r.updatedAt})`;

/** Triage on the relational store (SQLite or PostgreSQL; `soarMigrations` must have run). */
export function createRelationalTriageStore(store: RelationalStore): TriageStore {
  return {
    async load(tenantId, alertIds) {
      const found = new Map<string, TriageRecord>();
      for (let i = 0; i < alertIds.length; i += CHUNK) {
        const part = alertIds.slice(i, i + CHUNK);
        const rows = await store.query<TriageRow>(
          sql`SELECT * FROM soar_alert_triage WHERE tenant_id = ${tenantId} AND alert_id IN (${sql.join(
            part.map((id) => sql`${id}`),
          )})${FOR_UPDATE}`,
        );
        for (const row of rows) found.set(row.alert_id, toRecord(row));
      }
      return found;
    },

    async insert(records) {
      const added: TriageRecord[] = [];
      for (let i = 0; i < records.length; i += CHUNK) {
        const part = records.slice(i, i + CHUNK);
        const rows = await store.query<{ tenant_id: string; alert_id: string }>(
          sql`INSERT INTO soar_alert_triage (tenant_id, alert_id, state, resolution, assignee_kind, assignee_id, assignee_team, origin, merged_into, rule_ref, severity, detected_at, event_time, acknowledged_at, in_progress_at, resolved_at, merged_at, contained_at, paused_since, paused_ms, updated_at) VALUES ${sql.join(
            part.map(values),
          )} ON CONFLICT DO NOTHING RETURNING tenant_id, alert_id`,
        );
        const inserted = new Set(rows.map((r) => `${r.tenant_id}\0${r.alert_id}`));
        for (const record of part)
          if (inserted.has(`${record.tenantId}\0${record.alertId}`)) added.push(record);
      }
      return added;
    },

    async update(r) {
      await store.execute(
        sql`UPDATE soar_alert_triage SET state = ${r.state}, resolution = ${r.resolution}, assignee_kind = ${r.assignee?.kind ?? null}, assignee_id = ${r.assignee?.id ?? null}, assignee_team = ${r.assignee?.team ?? null}, origin = ${r.origin}, merged_into = ${r.mergedInto}, acknowledged_at = ${r.acknowledgedAt}, in_progress_at = ${r.inProgressAt}, resolved_at = ${r.resolvedAt}, merged_at = ${r.mergedAt}, contained_at = ${r.containedAt}, paused_since = ${r.pausedSince}, paused_ms = ${r.pausedMs}, updated_at = ${r.updatedAt} WHERE tenant_id = ${r.tenantId} AND alert_id = ${r.alertId}`,
      );
    },

    async addActivity(entries) {
      for (let i = 0; i < entries.length; i += CHUNK) {
        const part = entries.slice(i, i + CHUNK);
        if (part.length === 0) continue;
        await store.execute(
          sql`INSERT INTO soar_alert_activity (tenant_id, id, alert_id, at, actor_kind, actor_id, kind, from_state, to_state, details) VALUES ${sql.join(
            part.map(
              (e) =>
                sql`(${e.tenantId}, ${e.id}, ${e.alertId}, ${e.at}, ${e.actor.kind}, ${e.actor.id}, ${e.kind}, ${e.fromState}, ${e.toState}, ${JSON.stringify(e.details)})`,
            ),
          )}`,
        );
      }
    },

    async activity(tenantId, alertId, page) {
      const where = [sql`tenant_id = ${tenantId}`, sql`alert_id = ${alertId}`];
      if (page.kinds !== undefined && page.kinds.length > 0)
        where.push(sql`kind IN (${sql.join(page.kinds.map((k) => sql`${k}`))})`);
      if (page.cursor !== undefined) where.push(sql`id > ${decodeIdCursor(page.cursor)}`);
      const rows = await store.query<ActivityRow>(
        sql`SELECT * FROM soar_alert_activity WHERE ${sql.join(where, ' AND ')} ORDER BY id LIMIT ${page.limit + 1}`,
      );
      const { items, nextCursor } = pageOf(rows, page.limit, toEntry);
      return nextCursor === undefined ? { entries: items } : { entries: items, nextCursor };
    },

    async detectedIn(tenantId, range) {
      const rows = await store.query<TriageRow>(
        sql`SELECT * FROM soar_alert_triage WHERE tenant_id = ${tenantId} AND detected_at >= ${range.from} AND detected_at < ${range.to}`,
      );
      return rows.map(toRecord);
    },

    async listOpen(limit, after) {
      const position =
        after === undefined
          ? sql``
          : sql` AND (tenant_id > ${after.tenantId} OR (tenant_id = ${after.tenantId} AND alert_id > ${after.alertId}))`;
      const rows = await store.query<TriageRow>(
        sql`SELECT * FROM soar_alert_triage WHERE state IN ('new', 'acknowledged', 'in_progress')${position} ORDER BY tenant_id, alert_id LIMIT ${limit}`,
      );
      return rows.map(toRecord);
    },

    async tenantsWithAlerts(range) {
      const rows = await store.query<{ tenant_id: string }>(
        sql`SELECT DISTINCT tenant_id FROM soar_alert_triage WHERE detected_at >= ${range.from} AND detected_at < ${range.to} ORDER BY tenant_id`,
      );
      return rows.map((r) => r.tenant_id);
    },
  };
}

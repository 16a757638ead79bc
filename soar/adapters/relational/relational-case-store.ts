import type { Severity } from '../../../detections/index.ts';
import { sql } from '../../../platform/storage/index.ts';
import type { RelationalStore } from '../../../platform/storage/index.ts';
import type { KeyKind } from '../../cases/alert-keys.ts';
import type { CaseRecord, CaseState } from '../../cases/case.ts';
import type { CaseActivity, CaseObservable, CaseStore, CaseTask } from '../../cases/case-store.ts';
import type { Resolution } from '../../triage/triage.ts';
import { assigneeOf, decodeIdCursor, pageOf, timeOf } from './row-values.ts';

interface CaseRow {
  tenant_id: string;
  id: string;
  title: string;
  description: string;
  severity: string;
  state: string;
  resolution: string | null;
  assignee_kind: string | null;
  assignee_id: string | null;
  assignee_team: string | null;
  merged_into: string | null;
  created_by_kind: string;
  created_by_id: string;
  created_at: number | string;
  updated_at: number | string;
  closed_at: number | string | null;
  [column: string]: unknown;
}

interface TaskRow {
  tenant_id: string;
  id: string;
  case_id: string;
  title: string;
  state: string;
  assignee_kind: string | null;
  assignee_id: string | null;
  assignee_team: string | null;
  created_at: number | string;
  updated_at: number | string;
  done_at: number | string | null;
  [column: string]: unknown;
}

interface ActivityRow {
  tenant_id: string;
  id: string;
  case_id: string;
  at: number | string;
  actor_kind: string;
  actor_id: string;
  kind: string;
  details: string;
  [column: string]: unknown;
}

interface ObservableRow {
  tenant_id: string;
  case_id: string;
  kind: string;
  value: string;
  note: string;
  added_by_kind: string;
  added_by_id: string;
  added_at: number | string;
  [column: string]: unknown;
}

const toObservable = (row: ObservableRow): CaseObservable => ({
  tenantId: row.tenant_id,
  caseId: row.case_id,
  kind: row.kind as KeyKind,
  value: row.value,
  note: row.note,
  addedBy: { kind: row.added_by_kind, id: row.added_by_id },
  addedAt: Number(row.added_at),
});

const toCase = (row: CaseRow): CaseRecord => ({
  tenantId: row.tenant_id,
  id: row.id,
  title: row.title,
  description: row.description,
  severity: row.severity as Severity,
  state: row.state as CaseState,
  resolution: row.resolution as Resolution | null,
  assignee: assigneeOf(row.assignee_kind, row.assignee_id, row.assignee_team),
  mergedInto: row.merged_into,
  createdBy: { kind: row.created_by_kind, id: row.created_by_id },
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
  closedAt: timeOf(row.closed_at),
});

const toTask = (row: TaskRow): CaseTask => ({
  tenantId: row.tenant_id,
  id: row.id,
  caseId: row.case_id,
  title: row.title,
  state: row.state === 'done' ? 'done' : 'open',
  assignee: assigneeOf(row.assignee_kind, row.assignee_id, row.assignee_team),
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
  doneAt: timeOf(row.done_at),
});

const toActivity = (row: ActivityRow): CaseActivity => ({
  id: row.id,
  tenantId: row.tenant_id,
  caseId: row.case_id,
  at: Number(row.at),
  actor: { kind: row.actor_kind, id: row.actor_id },
  kind: row.kind,
  details: JSON.parse(row.details) as Record<string, unknown>,
});

const CHUNK = 200;
const FOR_UPDATE = sql.dialect({ sqlite: sql``, postgres: sql` FOR UPDATE` });

/** Cases on the relational store (SQLite or PostgreSQL; `soarMigrations` must have run). */
export function createRelationalCaseStore(store: RelationalStore): CaseStore {
  return {
    async insert(c) {
      await store.execute(
        sql`INSERT INTO soar_cases (tenant_id, id, title, description, severity, state, resolution, assignee_kind, assignee_id, assignee_team, merged_into, created_by_kind, created_by_id, created_at, updated_at, closed_at) VALUES (${c.tenantId}, ${c.id}, ${c.title}, ${c.description}, ${c.severity}, ${c.state}, ${c.resolution}, ${c.assignee?.kind ?? null}, ${c.assignee?.id ?? null}, ${c.assignee?.team ?? null}, ${c.mergedInto}, ${c.createdBy.kind}, ${c.createdBy.id}, ${c.createdAt}, ${c.updatedAt}, ${c.closedAt})`,
      );
    },

    async load(tenantId, ids) {
      const found = new Map<string, CaseRecord>();
      for (let i = 0; i < ids.length; i += CHUNK) {
        const rows = await store.query<CaseRow>(
          sql`SELECT * FROM soar_cases WHERE tenant_id = ${tenantId} AND id IN (${sql.join(
            ids.slice(i, i + CHUNK).map((id) => sql`${id}`),
          )})${FOR_UPDATE}`,
        );
        for (const row of rows) found.set(row.id, toCase(row));
      }
      return found;
    },

    async update(c) {
      await store.execute(
        sql`UPDATE soar_cases SET title = ${c.title}, description = ${c.description}, severity = ${c.severity}, state = ${c.state}, resolution = ${c.resolution}, assignee_kind = ${c.assignee?.kind ?? null}, assignee_id = ${c.assignee?.id ?? null}, assignee_team = ${c.assignee?.team ?? null}, merged_into = ${c.mergedInto}, updated_at = ${c.updatedAt}, closed_at = ${c.closedAt} WHERE tenant_id = ${c.tenantId} AND id = ${c.id}`,
      );
    },

    async list(tenantId, filter, page) {
      const where = [sql`tenant_id = ${tenantId}`];
      if (filter.states !== undefined && filter.states.length > 0)
        where.push(sql`state IN (${sql.join(filter.states.map((s) => sql`${s}`))})`);
      if (filter.assigneeId !== undefined) where.push(sql`assignee_id = ${filter.assigneeId}`);
      if (page.cursor !== undefined) where.push(sql`id < ${decodeIdCursor(page.cursor)}`);
      const rows = await store.query<CaseRow>(
        sql`SELECT * FROM soar_cases WHERE ${sql.join(where, ' AND ')} ORDER BY id DESC LIMIT ${page.limit + 1}`,
      );
      return pageOf(rows, page.limit, toCase);
    },

    async linkAlerts(tenantId, caseId, alertIds, at) {
      const linked: string[] = [];
      const elsewhere: { alertId: string; caseId: string }[] = [];
      for (const alertId of alertIds) {
        const inserted = await store.query(
          sql`INSERT INTO soar_case_alerts (tenant_id, alert_id, case_id, added_at) VALUES (${tenantId}, ${alertId}, ${caseId}, ${at}) ON CONFLICT DO NOTHING RETURNING alert_id`,
        );
        if (inserted.length > 0) {
          linked.push(alertId);
          continue;
        }
        const holder = await store.queryOne<{ case_id: string }>(
          sql`SELECT case_id FROM soar_case_alerts WHERE tenant_id = ${tenantId} AND alert_id = ${alertId}`,
        );
        if (holder) elsewhere.push({ alertId, caseId: holder.case_id });
      }
      return { linked, elsewhere };
    },

    async unlinkAlert(tenantId, caseId, alertId) {
      const { rowCount } = await store.execute(
        sql`DELETE FROM soar_case_alerts WHERE tenant_id = ${tenantId} AND case_id = ${caseId} AND alert_id = ${alertId}`,
      );
      return rowCount > 0;
    },

    async moveContents(tenantId, fromCaseId, toCaseId) {
      const { rowCount } = await store.execute(
        sql`UPDATE soar_case_alerts SET case_id = ${toCaseId} WHERE tenant_id = ${tenantId} AND case_id = ${fromCaseId}`,
      );
      await store.execute(
        sql`UPDATE soar_case_tasks SET case_id = ${toCaseId} WHERE tenant_id = ${tenantId} AND case_id = ${fromCaseId}`,
      );
      // An observable both cases hold keeps the target's note.
      await store.execute(
        sql`INSERT INTO soar_case_observables (tenant_id, case_id, kind, value, note, added_by_kind, added_by_id, added_at) SELECT tenant_id, ${toCaseId}, kind, value, note, added_by_kind, added_by_id, added_at FROM soar_case_observables WHERE tenant_id = ${tenantId} AND case_id = ${fromCaseId} ON CONFLICT DO NOTHING`,
      );
      await store.execute(
        sql`DELETE FROM soar_case_observables WHERE tenant_id = ${tenantId} AND case_id = ${fromCaseId}`,
      );
      return rowCount;
    },

    async alertsOf(tenantId, caseId) {
      const rows = await store.query<{ alert_id: string }>(
        sql`SELECT alert_id FROM soar_case_alerts WHERE tenant_id = ${tenantId} AND case_id = ${caseId} ORDER BY added_at, alert_id`,
      );
      return rows.map((r) => r.alert_id);
    },

    async addTask(t) {
      await store.execute(
        sql`INSERT INTO soar_case_tasks (tenant_id, id, case_id, title, state, assignee_kind, assignee_id, assignee_team, created_at, updated_at, done_at) VALUES (${t.tenantId}, ${t.id}, ${t.caseId}, ${t.title}, ${t.state}, ${t.assignee?.kind ?? null}, ${t.assignee?.id ?? null}, ${t.assignee?.team ?? null}, ${t.createdAt}, ${t.updatedAt}, ${t.doneAt})`,
      );
    },

    async loadTask(tenantId, caseId, taskId) {
      const row = await store.queryOne<TaskRow>(
        sql`SELECT * FROM soar_case_tasks WHERE tenant_id = ${tenantId} AND case_id = ${caseId} AND id = ${taskId}${FOR_UPDATE}`,
      );
      return row === undefined ? undefined : toTask(row);
    },

    async updateTask(t) {
      await store.execute(
        sql`UPDATE soar_case_tasks SET title = ${t.title}, state = ${t.state}, assignee_kind = ${t.assignee?.kind ?? null}, assignee_id = ${t.assignee?.id ?? null}, assignee_team = ${t.assignee?.team ?? null}, updated_at = ${t.updatedAt}, done_at = ${t.doneAt} WHERE tenant_id = ${t.tenantId} AND id = ${t.id}`,
      );
    },

    async tasksOf(tenantId, caseId) {
      const rows = await store.query<TaskRow>(
        sql`SELECT * FROM soar_case_tasks WHERE tenant_id = ${tenantId} AND case_id = ${caseId} ORDER BY id`,
      );
      return rows.map(toTask);
    },

    async addActivity(entries) {
      for (let i = 0; i < entries.length; i += CHUNK) {
        const part = entries.slice(i, i + CHUNK);
        if (part.length === 0) continue;
        await store.execute(
          sql`INSERT INTO soar_case_activity (tenant_id, id, case_id, at, actor_kind, actor_id, kind, details) VALUES ${sql.join(
            part.map(
              (e) =>
                sql`(${e.tenantId}, ${e.id}, ${e.caseId}, ${e.at}, ${e.actor.kind}, ${e.actor.id}, ${e.kind}, ${JSON.stringify(e.details)})`,
            ),
          )}`,
        );
      }
    },

    async activity(tenantId, caseId, page) {
      const where = [sql`tenant_id = ${tenantId}`, sql`case_id = ${caseId}`];
      if (page.cursor !== undefined) where.push(sql`id > ${decodeIdCursor(page.cursor)}`);
      const rows = await store.query<ActivityRow>(
        sql`SELECT * FROM soar_case_activity WHERE ${sql.join(where, ' AND ')} ORDER BY id LIMIT ${page.limit + 1}`,
      );
      return pageOf(rows, page.limit, toActivity);
    },

    async addObservables(observables) {
      const added: CaseObservable[] = [];
      for (const o of observables) {
        const inserted = await store.query(
          sql`INSERT INTO soar_case_observables (tenant_id, case_id, kind, value, note, added_by_kind, added_by_id, added_at) VALUES (${o.tenantId}, ${o.caseId}, ${o.kind}, ${o.value}, ${o.note}, ${o.addedBy.kind}, ${o.addedBy.id}, ${o.addedAt}) ON CONFLICT DO NOTHING RETURNING kind`,
        );
        if (inserted.length > 0) added.push(o);
      }
      return added;
    },

    async removeObservable(tenantId, caseId, key) {
      const { rowCount } = await store.execute(
        sql`DELETE FROM soar_case_observables WHERE tenant_id = ${tenantId} AND case_id = ${caseId} AND kind = ${key.kind} AND value = ${key.value}`,
      );
      return rowCount > 0;
    },

    async observablesOf(tenantId, caseId) {
      const rows = await store.query<ObservableRow>(
        sql`SELECT * FROM soar_case_observables WHERE tenant_id = ${tenantId} AND case_id = ${caseId} ORDER BY added_at, kind, value`,
      );
      return rows.map(toObservable);
    },

    async alertKeysOf(tenantId, caseId) {
      const rows = await store.query<{ kind: string; value: string; alerts: number | string }>(
        sql`SELECT k.kind, k.value, COUNT(*) AS alerts FROM soar_case_alerts ca JOIN soar_alert_keys k ON k.tenant_id = ca.tenant_id AND k.alert_id = ca.alert_id WHERE ca.tenant_id = ${tenantId} AND ca.case_id = ${caseId} GROUP BY k.kind, k.value ORDER BY k.kind, k.value`,
      );
      return rows.map((r) => ({
        kind: r.kind as KeyKind,
        value: r.value,
        alerts: Number(r.alerts),
      }));
    },

    async indexKeys(tenantId, alertId, detectedAt, keys) {
      if (keys.length === 0) return;
      await store.execute(
        sql`INSERT INTO soar_alert_keys (tenant_id, kind, value, alert_id, detected_at) VALUES ${sql.join(
          keys.map((k) => sql`(${tenantId}, ${k.kind}, ${k.value}, ${alertId}, ${detectedAt})`),
        )} ON CONFLICT DO NOTHING`,
      );
    },

    async openCaseWithKey(tenantId, key, since) {
      const row = await store.queryOne<{ case_id: string }>(
        sql`SELECT ca.case_id FROM soar_alert_keys k JOIN soar_case_alerts ca ON ca.tenant_id = k.tenant_id AND ca.alert_id = k.alert_id JOIN soar_cases c ON c.tenant_id = ca.tenant_id AND c.id = ca.case_id WHERE k.tenant_id = ${tenantId} AND k.kind = ${key.kind} AND k.value = ${key.value} AND k.detected_at >= ${since} AND c.state IN ('open', 'in_progress') ORDER BY k.detected_at DESC, ca.case_id LIMIT 1`,
      );
      return row?.case_id;
    },

    async uncasedAlertsWithKey(tenantId, key, since) {
      const rows = await store.query<{ alert_id: string }>(
        sql`SELECT k.alert_id FROM soar_alert_keys k LEFT JOIN soar_case_alerts ca ON ca.tenant_id = k.tenant_id AND ca.alert_id = k.alert_id WHERE k.tenant_id = ${tenantId} AND k.kind = ${key.kind} AND k.value = ${key.value} AND k.detected_at >= ${since} AND ca.alert_id IS NULL ORDER BY k.detected_at, k.alert_id LIMIT 500`,
      );
      return rows.map((r) => r.alert_id);
    },

    async withKey(tenantId, key, limit) {
      const alerts = await store.query<{ alert_id: string; detected_at: number | string }>(
        sql`SELECT alert_id, detected_at FROM soar_alert_keys WHERE tenant_id = ${tenantId} AND kind = ${key.kind} AND value = ${key.value} ORDER BY detected_at DESC, alert_id LIMIT ${limit}`,
      );
      const cases = await store.query<{ case_id: string }>(
        sql`SELECT case_id FROM (SELECT ca.case_id FROM soar_alert_keys k JOIN soar_case_alerts ca ON ca.tenant_id = k.tenant_id AND ca.alert_id = k.alert_id WHERE k.tenant_id = ${tenantId} AND k.kind = ${key.kind} AND k.value = ${key.value} UNION SELECT case_id FROM soar_case_observables WHERE tenant_id = ${tenantId} AND kind = ${key.kind} AND value = ${key.value}) held ORDER BY case_id DESC LIMIT ${limit}`,
      );
      return {
        alerts: alerts.map((r) => ({ alertId: r.alert_id, detectedAt: Number(r.detected_at) })),
        caseIds: cases.map((r) => r.case_id),
      };
    },

    async groupingRules(tenantId) {
      const rows = await store.query<{ kind: string; window_seconds: number | string }>(
        sql`SELECT kind, window_seconds FROM soar_case_grouping WHERE tenant_id = ${tenantId}`,
      );
      return new Map(rows.map((r) => [r.kind as KeyKind, Number(r.window_seconds)]));
    },

    async setGroupingRule(tenantId, kind, windowSeconds, at) {
      await store.execute(
        windowSeconds === null
          ? sql`DELETE FROM soar_case_grouping WHERE tenant_id = ${tenantId} AND kind = ${kind}`
          : sql`INSERT INTO soar_case_grouping (tenant_id, kind, window_seconds, updated_at) VALUES (${tenantId}, ${kind}, ${windowSeconds}, ${at}) ON CONFLICT (tenant_id, kind) DO UPDATE SET window_seconds = excluded.window_seconds, updated_at = excluded.updated_at`,
      );
    },
  };
}

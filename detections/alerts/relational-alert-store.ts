import { sql } from '../../platform/storage/index.ts';
import type { RelationalStore, SqlExecutor, SqlFragment } from '../../platform/storage/index.ts';
import {
  addOccurrences,
  CLOSED_ALERT_STATES,
  emptied,
  MAX_ALERT_EVENT_IDS,
  severityRank,
} from './alert.ts';
import type { Alert, AlertKind, AlertState, Observable, Occurrence, Severity } from './alert.ts';
import { DetectionError } from '../errors.ts';
import type {
  AlertFilter,
  AlertPage,
  AlertPageRequest,
  AlertStore,
  AppliedUpsert,
  PruneResult,
} from './alert-store.ts';
import { MAX_ALERT_PAGE } from './alert-store.ts';
import type { AttackTactic } from './attack.ts';
import { toTactic, toTechnique } from './attack.ts';
import { groupRefKey } from './dedup.ts';
import type { AlertGroupRef, AlertUpsert, AlertWindow } from './dedup.ts';

interface AlertRow {
  tenant_id: string;
  id: string;
  kind: string;
  state: string;
  rule_ref: string;
  rule_title: string;
  rule_author: string | null;
  rule_file: string;
  rule_line: number;
  level: string | null;
  severity: string;
  tactics: string;
  techniques: string;
  group_key: string;
  group_by: string;
  host: string | null;
  event_ids: string;
  event_count: number;
  match_count: number;
  first_seen: number;
  last_seen: number;
  created_at: number;
  updated_at: number;
  observables: string;
}

function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    kind: row.kind as AlertKind,
    state: row.state as AlertState,
    ruleRef: row.rule_ref,
    ruleTitle: row.rule_title,
    ruleAuthor: row.rule_author,
    ruleFile: row.rule_file,
    ruleLine: row.rule_line,
    level: row.level,
    severity: row.severity as Severity,
    tactics: JSON.parse(row.tactics) as AttackTactic[],
    techniques: JSON.parse(row.techniques) as string[],
    groupKey: row.group_key,
    groupBy: JSON.parse(row.group_by) as Record<string, string | null>,
    host: row.host,
    eventIds: JSON.parse(row.event_ids) as string[],
    eventCount: row.event_count,
    count: row.match_count,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    observables: JSON.parse(row.observables) as Observable[],
  };
}

/** Rows per multi-row statement: well under either dialect's limit on bound values. */
const CHUNK = 200;
const CURSOR = /^a1:([0-9a-f-]{36})$/;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

function encodeCursor(id: string): string {
  return Buffer.from(`a1:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString());
  if (match?.[1] === undefined)
    throw new DetectionError(
      'DETECTION_ALERT_INVALID_REQUEST',
      'the cursor is not one this store issued',
      {
        issues: [{ path: 'cursor', message: 'not a cursor of this listing' }],
      },
    );
  return match[1];
}

function invalid(path: string, message: string): DetectionError {
  return new DetectionError('DETECTION_ALERT_INVALID_REQUEST', `${path}: ${message}`, {
    issues: [{ path, message }],
  });
}

/** Locks the row read (PostgreSQL) for the rest of the transaction; SQLite has one writer. */
const FOR_UPDATE = sql.dialect({ sqlite: sql``, postgres: sql` FOR UPDATE` });

export interface RelationalAlertStoreOptions {
  readonly store: RelationalStore;
  /** Event ids an alert keeps (default `MAX_ALERT_EVENT_IDS`). */
  readonly maxEventIds?: number;
}

/**
 * Alerts on the relational store (SQLite or PostgreSQL; `alertMigrations` must have run).
 *
 * Idempotency: every occurrence applied is first recorded in `detections_alert_occurrences`
 * under (tenant, rule, occurrence key) with `ON CONFLICT DO NOTHING`; only the occurrences that
 * were new are folded into the alert, in the same transaction. An upsert applied twice, or a
 * replay's upserts after a crash, finds its occurrences recorded and changes nothing.
 *
 * Concurrency: opening an alert claims its group's row in `detections_alert_windows` unless
 * another alert's window there already covers the occurrence; then the occurrences join that
 * alert instead. The claim is one upsert statement, so two writers cannot both open an alert
 * for the same group and time. Alerts being added to are read `FOR UPDATE` on PostgreSQL.
 */
export function createRelationalAlertStore(options: RelationalAlertStoreOptions): AlertStore {
  const { store } = options;
  const maxEventIds = options.maxEventIds ?? MAX_ALERT_EVENT_IDS;

  /** Records occurrence keys; returns the occurrences not recorded before. */
  const recordOccurrences = async (
    tx: SqlExecutor,
    tenantId: string,
    ruleRef: string,
    occurrences: readonly Occurrence[],
    at: number,
  ): Promise<Occurrence[]> => {
    const inserted = new Set<string>();
    for (const part of chunks(occurrences)) {
      const rows = await tx.query<{ occurrence_key: string }>(
        sql`INSERT INTO detections_alert_occurrences (tenant_id, rule_ref, occurrence_key, seen_at) VALUES ${sql.join(
          part.map((o) => sql`(${tenantId}, ${ruleRef}, ${o.key}, ${at})`),
        )} ON CONFLICT DO NOTHING RETURNING occurrence_key`,
      );
      for (const row of rows) inserted.add(row.occurrence_key);
    }
    const fresh: Occurrence[] = [];
    for (const occurrence of occurrences) {
      // A key listed twice in one upsert counts once.
      if (inserted.delete(occurrence.key)) fresh.push(occurrence);
    }
    return fresh;
  };

  const lockAlert = async (tx: SqlExecutor, tenantId: string, id: string): Promise<Alert> => {
    const row = await tx.queryOne<AlertRow & Record<string, unknown>>(
      sql`SELECT * FROM detections_alerts WHERE tenant_id = ${tenantId} AND id = ${id}${FOR_UPDATE}`,
    );
    if (!row)
      throw new DetectionError(
        'DETECTION_ALERT_UPSERT_INVALID',
        `no alert ${id} in tenant ${tenantId}`,
      );
    return toAlert(row);
  };

  const saveCounts = async (tx: SqlExecutor, alert: Alert): Promise<void> => {
    await tx.execute(
      sql`UPDATE detections_alerts SET event_ids = ${JSON.stringify(alert.eventIds)}, event_count = ${alert.eventCount}, match_count = ${alert.count}, first_seen = ${alert.firstSeen}, last_seen = ${alert.lastSeen}, updated_at = ${alert.updatedAt}, observables = ${JSON.stringify(alert.observables)} WHERE tenant_id = ${alert.tenantId} AND id = ${alert.id}`,
    );
  };

  const insertAlert = async (tx: SqlExecutor, alert: Alert): Promise<void> => {
    await tx.execute(
      sql`INSERT INTO detections_alerts (tenant_id, id, kind, state, rule_ref, rule_title, rule_author, rule_file, rule_line, level, severity, severity_rank, tactics, techniques, group_key, group_by, host, host_key, event_ids, event_count, match_count, first_seen, last_seen, created_at, updated_at, observables) VALUES (${alert.tenantId}, ${alert.id}, ${alert.kind}, ${alert.state}, ${alert.ruleRef}, ${alert.ruleTitle}, ${alert.ruleAuthor}, ${alert.ruleFile}, ${alert.ruleLine}, ${alert.level}, ${alert.severity}, ${severityRank(alert.severity)}, ${JSON.stringify(alert.tactics)}, ${JSON.stringify(alert.techniques)}, ${alert.groupKey}, ${JSON.stringify(alert.groupBy)}, ${alert.host}, ${alert.host?.toLowerCase() ?? null}, ${JSON.stringify(alert.eventIds)}, ${alert.eventCount}, ${alert.count}, ${alert.firstSeen}, ${alert.lastSeen}, ${alert.createdAt}, ${alert.updatedAt}, ${JSON.stringify(alert.observables)})`,
    );
    const refs = [
      ...alert.tactics.map((t) => ['tactic', t.id] as const),
      ...alert.techniques.map((t) => ['technique', t] as const),
    ];
    if (refs.length > 0)
      await tx.execute(
        sql`INSERT INTO detections_alert_attack (tenant_id, alert_id, kind, ref) VALUES ${sql.join(
          refs.map(([kind, ref]) => sql`(${alert.tenantId}, ${alert.id}, ${kind}, ${ref})`),
        )} ON CONFLICT DO NOTHING`,
      );
  };

  const add = async (
    tx: SqlExecutor,
    tenantId: string,
    alertId: string,
    ruleRef: string,
    occurrences: readonly Occurrence[],
    at: number,
  ): Promise<AppliedUpsert> => {
    const current = await lockAlert(tx, tenantId, alertId);
    if (current.ruleRef !== ruleRef)
      throw new DetectionError(
        'DETECTION_ALERT_UPSERT_INVALID',
        `alert ${alertId} belongs to rule ${current.ruleRef}, not ${ruleRef}`,
      );
    const fresh = await recordOccurrences(tx, tenantId, ruleRef, occurrences, at);
    if (fresh.length === 0) return { status: 'duplicate', alertId };
    const next = addOccurrences(current, fresh, at, maxEventIds);
    await saveCounts(tx, next);
    return { status: 'updated', alert: next };
  };

  const open = async (
    tx: SqlExecutor,
    upsert: Extract<AlertUpsert, { op: 'open' }>,
  ): Promise<AppliedUpsert> => {
    const { alert } = upsert;
    const fresh = await recordOccurrences(
      tx,
      alert.tenantId,
      alert.ruleRef,
      upsert.occurrences,
      alert.updatedAt,
    );
    if (fresh.length === 0) return { status: 'duplicate', alertId: alert.id };
    const first = fresh.reduce((min, o) => Math.min(min, o.firstSeen), Infinity);
    // The window runs from the first occurrence counted (the planner's, unless that one was
    // counted before).
    const windowEnd = first + (upsert.windowEnd - alert.firstSeen);
    const claimed = await tx.execute(
      sql`INSERT INTO detections_alert_windows (tenant_id, rule_ref, group_key, alert_id, window_end) VALUES (${alert.tenantId}, ${alert.ruleRef}, ${alert.groupKey}, ${alert.id}, ${windowEnd}) ON CONFLICT (tenant_id, rule_ref, group_key) DO UPDATE SET alert_id = excluded.alert_id, window_end = excluded.window_end WHERE detections_alert_windows.window_end <= ${first}`,
    );
    if (claimed.rowCount === 0) {
      // Another alert's window covers it (opened concurrently, or the caller's windows were stale).
      const window = await tx.queryOne<{ alert_id: string }>(
        sql`SELECT alert_id FROM detections_alert_windows WHERE tenant_id = ${alert.tenantId} AND rule_ref = ${alert.ruleRef} AND group_key = ${alert.groupKey}`,
      );
      if (!window)
        throw new DetectionError('DETECTION_ALERT_UPSERT_INVALID', 'the alert window vanished');
      const current = await lockAlert(tx, alert.tenantId, window.alert_id);
      const next = addOccurrences(current, fresh, alert.updatedAt, maxEventIds);
      await saveCounts(tx, next);
      return { status: 'updated', alert: next };
    }
    const opened = addOccurrences(emptied(alert), fresh, alert.updatedAt, maxEventIds);
    await insertAlert(tx, opened);
    return { status: 'opened', alert: opened };
  };

  const filterConditions = (tenantId: string, filter: AlertFilter): SqlFragment[] => {
    const where: SqlFragment[] = [sql`a.tenant_id = ${tenantId}`];
    const anyOf = (column: SqlFragment, values: readonly string[] | undefined): void => {
      if (values === undefined || values.length === 0) return;
      where.push(sql`${column} IN (${sql.join(values.map((v) => sql`${v}`))})`);
    };
    anyOf(sql`a.state`, filter.states);
    anyOf(sql`a.severity`, filter.severities);
    anyOf(sql`a.kind`, filter.kinds);
    if (filter.minSeverity !== undefined)
      where.push(sql`a.severity_rank >= ${severityRank(filter.minSeverity)}`);
    if (filter.ruleRef !== undefined) where.push(sql`a.rule_ref = ${filter.ruleRef}`);
    if (filter.host !== undefined) where.push(sql`a.host_key = ${filter.host.toLowerCase()}`);
    if (filter.from !== undefined) where.push(sql`a.last_seen >= ${filter.from}`);
    if (filter.to !== undefined) where.push(sql`a.last_seen < ${filter.to}`);
    const attack = (kind: string, match: SqlFragment): SqlFragment =>
      sql`EXISTS (SELECT 1 FROM detections_alert_attack x WHERE x.tenant_id = a.tenant_id AND x.alert_id = a.id AND x.kind = ${kind} AND ${match})`;
    if (filter.tactic !== undefined) {
      const tactic = toTactic(filter.tactic);
      if (!tactic) throw invalid('tactic', 'not an ATT&CK Enterprise tactic id or name');
      where.push(attack('tactic', sql`x.ref = ${tactic.id}`));
    }
    if (filter.technique !== undefined) {
      const technique = toTechnique(filter.technique);
      if (technique === undefined)
        throw invalid('technique', 'not an ATT&CK technique id (T1059, T1059.001)');
      where.push(
        attack(
          'technique',
          technique.includes('.')
            ? sql`x.ref = ${technique}`
            : sql`(x.ref = ${technique} OR x.ref LIKE ${`${technique}.%`})`,
        ),
      );
    }
    return where;
  };

  return {
    async latestWindows(groups: readonly AlertGroupRef[]): Promise<AlertWindow[]> {
      const distinct = [...new Map(groups.map((g) => [groupRefKey(g), g])).values()];
      const out: AlertWindow[] = [];
      for (const part of chunks(distinct)) {
        const rows = await store.query<{
          tenant_id: string;
          rule_ref: string;
          group_key: string;
          alert_id: string;
          window_end: number;
        }>(
          sql`SELECT tenant_id, rule_ref, group_key, alert_id, window_end FROM detections_alert_windows WHERE ${sql.join(
            part.map(
              (g) =>
                sql`(tenant_id = ${g.tenantId} AND rule_ref = ${g.ruleRef} AND group_key = ${g.groupKey})`,
            ),
            ' OR ',
          )}`,
        );
        for (const row of rows)
          out.push({
            tenantId: row.tenant_id,
            ruleRef: row.rule_ref,
            groupKey: row.group_key,
            alertId: row.alert_id,
            windowEnd: row.window_end,
          });
      }
      return out;
    },

    async applyUpserts(upserts: readonly AlertUpsert[]): Promise<AppliedUpsert[]> {
      for (const upsert of upserts) {
        if (upsert.occurrences.length === 0)
          throw new DetectionError(
            'DETECTION_ALERT_UPSERT_INVALID',
            'an upsert must carry occurrences',
          );
      }
      if (upserts.length === 0) return [];
      // One lock order for every writer (group, then the alert of it): no deadlocks between them.
      const order = upserts
        .map((upsert, index) => ({
          index,
          upsert,
          key: groupRefKey(upsert.op === 'open' ? upsert.alert : upsert),
        }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index));
      return store.transaction(async (tx) => {
        const results: AppliedUpsert[] = new Array<AppliedUpsert>(upserts.length);
        for (const { index, upsert } of order) {
          results[index] =
            upsert.op === 'open'
              ? await open(tx, upsert)
              : await add(
                  tx,
                  upsert.tenantId,
                  upsert.alertId,
                  upsert.ruleRef,
                  upsert.occurrences,
                  upsert.at,
                );
        }
        return results;
      });
    },

    async get(tenantId: string, id: string): Promise<Alert | undefined> {
      const row = await store.queryOne<AlertRow & Record<string, unknown>>(
        sql`SELECT * FROM detections_alerts WHERE tenant_id = ${tenantId} AND id = ${id}`,
      );
      return row ? toAlert(row) : undefined;
    },

    setState(tenantId, id, state) {
      return store.transaction(async (tx) => {
        const { rowCount } = await tx.execute(
          sql`UPDATE detections_alerts SET state = ${state} WHERE tenant_id = ${tenantId} AND id = ${id}`,
        );
        if (rowCount > 0 && CLOSED_ALERT_STATES.includes(state))
          await tx.execute(
            sql`DELETE FROM detections_alert_windows WHERE tenant_id = ${tenantId} AND alert_id = ${id}`,
          );
        return rowCount > 0;
      });
    },

    async list(tenantId: string, filter: AlertFilter, page: AlertPageRequest): Promise<AlertPage> {
      if (!Number.isSafeInteger(page.limit) || page.limit < 1 || page.limit > MAX_ALERT_PAGE)
        throw invalid('limit', `a whole number from 1 to ${MAX_ALERT_PAGE}`);
      const where = filterConditions(tenantId, filter);
      if (page.cursor !== undefined) where.push(sql`a.id < ${decodeCursor(page.cursor)}`);
      const rows = await store.query<AlertRow & Record<string, unknown>>(
        sql`SELECT a.* FROM detections_alerts a WHERE ${sql.join(where, ' AND ')} ORDER BY a.id DESC LIMIT ${page.limit + 1}`,
      );
      const alerts = rows.slice(0, page.limit).map(toAlert);
      const last = alerts.at(-1);
      return rows.length > page.limit && last !== undefined
        ? { alerts, nextCursor: encodeCursor(last.id) }
        : { alerts };
    },

    async prune(before: number): Promise<PruneResult> {
      return store.transaction(async (tx) => {
        const occurrences = await tx.execute(
          sql`DELETE FROM detections_alert_occurrences WHERE seen_at < ${before}`,
        );
        const windows = await tx.execute(
          sql`DELETE FROM detections_alert_windows WHERE window_end < ${before}`,
        );
        return { occurrences: occurrences.rowCount, windows: windows.rowCount };
      });
    },
  };
}

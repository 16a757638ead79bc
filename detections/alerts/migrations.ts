import type { Migration } from '../../platform/storage/index.ts';

/**
 * The alert tables (one script for SQLite and PostgreSQL). Every table leads with `tenant_id`:
 * each statement filters on it, and its indexes start with it.
 *
 * - `detections_alerts`: the alerts; lists as JSON text (`tactics`, `techniques`, `group_by`,
 *   `event_ids`); `severity_rank` (0 info … 4 critical) for "this severity or higher";
 *   `host_key` is the host lower-cased, for case-insensitive host filters.
 * - `detections_alert_attack`: one row per tactic id and technique id of an alert, for filters.
 * - `detections_alert_windows`: each group's latest alert and when its window ends. Opening an
 *   alert claims the group's row, which serialises concurrent writers (see the store).
 * - `detections_alert_occurrences`: every occurrence key counted, per tenant and rule: the
 *   replay guard that makes applying upserts idempotent.
 */
export const alertMigrations: readonly Migration[] = [
  {
    module: 'detections',
    id: '0001',
    name: 'alerts',
    up: `
      CREATE TABLE detections_alerts (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        rule_ref TEXT NOT NULL,
        rule_title TEXT NOT NULL,
        rule_author TEXT,
        rule_file TEXT NOT NULL,
        rule_line INTEGER NOT NULL,
        level TEXT,
        severity TEXT NOT NULL,
        severity_rank INTEGER NOT NULL,
        tactics TEXT NOT NULL,
        techniques TEXT NOT NULL,
        group_key TEXT NOT NULL,
        group_by TEXT NOT NULL,
        host TEXT,
        host_key TEXT,
        event_ids TEXT NOT NULL,
        event_count BIGINT NOT NULL,
        match_count BIGINT NOT NULL,
        first_seen BIGINT NOT NULL,
        last_seen BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE INDEX detections_alerts_rule ON detections_alerts (tenant_id, rule_ref, id);
      CREATE INDEX detections_alerts_host ON detections_alerts (tenant_id, host_key, id);
      CREATE INDEX detections_alerts_last_seen ON detections_alerts (tenant_id, last_seen);
      CREATE TABLE detections_alert_attack (
        tenant_id TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        ref TEXT NOT NULL,
        PRIMARY KEY (tenant_id, alert_id, kind, ref)
      );
      CREATE INDEX detections_alert_attack_ref ON detections_alert_attack (tenant_id, kind, ref);
      CREATE TABLE detections_alert_windows (
        tenant_id TEXT NOT NULL,
        rule_ref TEXT NOT NULL,
        group_key TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        window_end BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, rule_ref, group_key)
      );
      CREATE INDEX detections_alert_windows_end ON detections_alert_windows (window_end);
      CREATE TABLE detections_alert_occurrences (
        tenant_id TEXT NOT NULL,
        rule_ref TEXT NOT NULL,
        occurrence_key TEXT NOT NULL,
        seen_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, rule_ref, occurrence_key)
      );
      CREATE INDEX detections_alert_occurrences_seen ON detections_alert_occurrences (seen_at);
    `,
  },
  {
    module: 'detections',
    id: '0003',
    name: 'alert observables',
    // Addresses, hashes and domains the alert's events name, as JSON text (alerts from before
    // have none).
    up: `ALTER TABLE detections_alerts ADD COLUMN observables TEXT NOT NULL DEFAULT '[]';`,
  },
];

import type { Migration } from '../../platform/storage/index.ts';

/**
 * Triage tables (one script for SQLite and PostgreSQL), keyed by tenant first like every table.
 *
 * - `soar_alert_triage`: one row per tracked alert: state, resolution, assignee, origin, the
 *   first time of each step, and the alert's rule, severity and times (what the measures need).
 * - `soar_alert_activity`: each alert's timeline (actions and comments), append-only.
 */
export const soarMigrations: readonly Migration[] = [
  {
    module: 'soar',
    id: '0001',
    name: 'alert triage',
    up: `
      CREATE TABLE soar_alert_triage (
        tenant_id TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        state TEXT NOT NULL,
        resolution TEXT,
        assignee_kind TEXT,
        assignee_id TEXT,
        assignee_team TEXT,
        origin TEXT NOT NULL,
        merged_into TEXT,
        rule_ref TEXT NOT NULL,
        severity TEXT NOT NULL,
        detected_at BIGINT NOT NULL,
        event_time BIGINT NOT NULL,
        acknowledged_at BIGINT,
        in_progress_at BIGINT,
        resolved_at BIGINT,
        merged_at BIGINT,
        contained_at BIGINT,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, alert_id)
      );
      CREATE INDEX soar_alert_triage_detected ON soar_alert_triage (tenant_id, detected_at);
      CREATE INDEX soar_alert_triage_assignee ON soar_alert_triage (tenant_id, assignee_id);
      CREATE TABLE soar_alert_activity (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        at BIGINT NOT NULL,
        actor_kind TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT,
        details TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE INDEX soar_alert_activity_alert ON soar_alert_activity (tenant_id, alert_id, id);
    `,
  },
  {
    module: 'soar',
    id: '0002',
    name: 'sla policies, clocks and pauses',
    // paused_*: the resolve clock stops while work waits on someone outside the team.
    // soar_sla_events: each clock's warning (80 %) and breach, once per alert.
    up: `
      ALTER TABLE soar_alert_triage ADD COLUMN paused_since BIGINT;
      ALTER TABLE soar_alert_triage ADD COLUMN paused_ms BIGINT NOT NULL DEFAULT 0;
      CREATE INDEX soar_alert_triage_state ON soar_alert_triage (state, tenant_id, alert_id);
      CREATE TABLE soar_sla_policies (
        tenant_id TEXT NOT NULL,
        severity TEXT NOT NULL,
        acknowledge_seconds BIGINT NOT NULL,
        resolve_seconds BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, severity)
      );
      CREATE TABLE soar_sla_events (
        tenant_id TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        clock TEXT NOT NULL,
        level TEXT NOT NULL,
        at BIGINT NOT NULL,
        due_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, alert_id, clock, level)
      );
    `,
  },
  {
    module: 'soar',
    id: '0003',
    name: 'cases',
    // An alert is in one case at most: soar_case_alerts is keyed by the alert.
    up: `
      CREATE TABLE soar_cases (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        severity TEXT NOT NULL,
        state TEXT NOT NULL,
        resolution TEXT,
        assignee_kind TEXT,
        assignee_id TEXT,
        assignee_team TEXT,
        merged_into TEXT,
        created_by_kind TEXT NOT NULL,
        created_by_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        closed_at BIGINT,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE INDEX soar_cases_state ON soar_cases (tenant_id, state, id);
      CREATE TABLE soar_case_alerts (
        tenant_id TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        case_id TEXT NOT NULL,
        added_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, alert_id)
      );
      CREATE INDEX soar_case_alerts_case ON soar_case_alerts (tenant_id, case_id);
      CREATE TABLE soar_case_tasks (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        case_id TEXT NOT NULL,
        title TEXT NOT NULL,
        state TEXT NOT NULL,
        assignee_kind TEXT,
        assignee_id TEXT,
        assignee_team TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        done_at BIGINT,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE INDEX soar_case_tasks_case ON soar_case_tasks (tenant_id, case_id, id);
      CREATE TABLE soar_case_activity (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        case_id TEXT NOT NULL,
        at BIGINT NOT NULL,
        actor_kind TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        details TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE INDEX soar_case_activity_case ON soar_case_activity (tenant_id, case_id, id);
    `,
  },
  {
    module: 'soar',
    id: '0004',
    name: 'alert keys and case grouping rules',
    // soar_alert_keys: what an alert is about (host, user, ATT&CK technique), for grouping rules
    // and pivots. soar_case_grouping: a tenant's rules, one per key kind, with its window.
    up: `
      CREATE TABLE soar_alert_keys (
        tenant_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        alert_id TEXT NOT NULL,
        detected_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, kind, value, alert_id)
      );
      CREATE INDEX soar_alert_keys_recent ON soar_alert_keys (tenant_id, kind, value, detected_at);
      CREATE INDEX soar_alert_keys_alert ON soar_alert_keys (tenant_id, alert_id);
      CREATE TABLE soar_case_grouping (
        tenant_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        window_seconds BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, kind)
      );
    `,
  },
  {
    module: 'soar',
    id: '0005',
    name: 'playbooks, runs and run steps',
    up: `
      CREATE TABLE soar_playbooks (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        name TEXT NOT NULL,
        definition TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        created_by TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id, version)
      );
      CREATE TABLE soar_playbook_runs (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        playbook_id TEXT NOT NULL,
        playbook_version INTEGER NOT NULL,
        status TEXT NOT NULL,
        trigger_key TEXT NOT NULL,
        trigger TEXT NOT NULL,
        context TEXT NOT NULL,
        dry_run INTEGER NOT NULL DEFAULT 0,
        started_at BIGINT NOT NULL,
        ended_at BIGINT,
        error TEXT,
        UNIQUE (tenant_id, playbook_id, trigger_key)
      );
      CREATE INDEX soar_playbook_runs_status ON soar_playbook_runs (status, id);
      CREATE INDEX soar_playbook_runs_playbook ON soar_playbook_runs (tenant_id, playbook_id, id);
      CREATE TABLE soar_run_steps (
        run_id TEXT NOT NULL REFERENCES soar_playbook_runs (id),
        step_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        input TEXT,
        output TEXT,
        error TEXT,
        queued_at BIGINT,
        started_at BIGINT,
        ended_at BIGINT,
        approval TEXT,
        PRIMARY KEY (run_id, step_id)
      );
    `,
  },
  {
    module: 'soar',
    id: '0006',
    name: 'playbook commands and lane settings',
    up: `
      CREATE TABLE soar_commands (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        request TEXT NOT NULL,
        status TEXT NOT NULL,
        run_ids TEXT NOT NULL,
        result TEXT,
        error TEXT,
        created_by TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX soar_commands_tenant ON soar_commands (tenant_id, id);
      CREATE TABLE soar_lane_settings (
        lane TEXT PRIMARY KEY,
        concurrency INTEGER NOT NULL,
        updated_at BIGINT NOT NULL,
        updated_by TEXT NOT NULL
      );
    `,
  },
  {
    module: 'soar',
    id: '0007',
    name: 'case observables added by hand',
    // The observables of a case are its alerts' keys plus these; pivots find the case by either.
    up: `
      CREATE TABLE soar_case_observables (
        tenant_id TEXT NOT NULL,
        case_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        note TEXT NOT NULL,
        added_by_kind TEXT NOT NULL,
        added_by_id TEXT NOT NULL,
        added_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, case_id, kind, value)
      );
      CREATE INDEX soar_case_observables_key ON soar_case_observables (tenant_id, kind, value);
    `,
  },
  {
    module: 'soar',
    id: '0008',
    name: 'playbook source text',
    // The YAML a version was uploaded as, comments and all (null for JSON and CACAO uploads).
    up: `ALTER TABLE soar_playbooks ADD COLUMN source TEXT;`,
  },
];

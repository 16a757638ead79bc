import { sql } from '../../platform/storage/index.ts';
import type { Migration, SqlExecutor } from '../../platform/storage/index.ts';

/**
 * Which rules are switched on or off, platform-wide (one row per rule reference that was ever
 * switched; a rule without a row is enabled). Rules are not tenant data: every tenant's events
 * run through the same engine, so the state has no tenant column.
 */
export const ruleStateMigrations: readonly Migration[] = [
  {
    module: 'detections',
    id: '0002',
    name: 'rule-state',
    up: `
      CREATE TABLE detections_rule_state (
        rule_ref TEXT NOT NULL PRIMARY KEY,
        enabled INTEGER NOT NULL,
        changed_by TEXT,
        changed_at BIGINT NOT NULL
      );
    `,
  },
];

/** A rule's switch as stored. */
export interface RuleState {
  readonly ref: string;
  readonly enabled: boolean;
  /** The principal who switched it last (its id), when known. */
  readonly changedBy: string | null;
  readonly changedAt: number;
}

/** The persisted enabled/disabled switches of rules. */
export interface RuleStateStore {
  list(): Promise<readonly RuleState[]>;
  /** Joins the caller's unit of work, if any (so an audited change commits with its record). */
  set(state: RuleState): Promise<void>;
}

export function createRuleStateStore(store: SqlExecutor): RuleStateStore {
  return {
    async list() {
      const rows = await store.query<{
        rule_ref: string;
        enabled: number | boolean;
        changed_by: string | null;
        changed_at: number | string;
      }>(
        sql`SELECT rule_ref, enabled, changed_by, changed_at FROM detections_rule_state ORDER BY rule_ref`,
      );
      return rows.map((row) => ({
        ref: row.rule_ref,
        enabled: row.enabled === true || Number(row.enabled) === 1,
        changedBy: row.changed_by,
        changedAt: Number(row.changed_at),
      }));
    },
    async set(state) {
      await store.execute(sql`
        INSERT INTO detections_rule_state (rule_ref, enabled, changed_by, changed_at)
        VALUES (${state.ref}, ${state.enabled}, ${state.changedBy}, ${state.changedAt})
        ON CONFLICT (rule_ref) DO UPDATE SET
          enabled = excluded.enabled,
          changed_by = excluded.changed_by,
          changed_at = excluded.changed_at`);
    },
  };
}

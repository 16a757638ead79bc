import type { Actor, TriageRecord } from './triage.ts';

/** One line of an alert's timeline: an action taken on it, or a comment. */
export interface ActivityEntry {
  /** UUIDv7: entries sort by time of writing. */
  readonly id: string;
  readonly tenantId: string;
  readonly alertId: string;
  readonly at: number;
  readonly actor: Actor;
  /** `opened` (tracking started), an action name, or `comment`. */
  readonly kind: string;
  readonly fromState: string | null;
  readonly toState: string | null;
  /** The action's parameters (resolution, assignee, merge target) or the comment's text. */
  readonly details: Readonly<Record<string, unknown>>;
}

export interface ActivityPage {
  readonly entries: readonly ActivityEntry[];
  readonly nextCursor?: string;
}

/** Which triage records the measures read: alerts detected in `[from, to)`. */
export interface TriageRange {
  readonly from: number;
  readonly to: number;
}

/**
 * Where triage lives. Every method joins the caller's unit of work, and every read is scoped
 * to a tenant by its first argument.
 */
export interface TriageStore {
  /** The records of these alerts that exist; locked until the unit of work ends (PostgreSQL). */
  load(tenantId: string, alertIds: readonly string[]): Promise<Map<string, TriageRecord>>;
  /** Starts tracking alerts; a record that already exists is kept as it is. Returns those added. */
  insert(records: readonly TriageRecord[]): Promise<TriageRecord[]>;
  update(record: TriageRecord): Promise<void>;
  addActivity(entries: readonly ActivityEntry[]): Promise<void>;
  /** Oldest first. `kinds` limits the entries (`['comment']`). */
  activity(
    tenantId: string,
    alertId: string,
    page: { readonly limit: number; readonly cursor?: string; readonly kinds?: readonly string[] },
  ): Promise<ActivityPage>;
  /** Records of alerts detected in the range, for the measures. */
  detectedIn(tenantId: string, range: TriageRange): Promise<TriageRecord[]>;
  /**
   * Open alerts (new, acknowledged, in progress) of every tenant, in (tenant, alert) order after
   * `after`: what the SLA monitor watches.
   */
  listOpen(
    limit: number,
    after?: { readonly tenantId: string; readonly alertId: string },
  ): Promise<TriageRecord[]>;
  /** Tenants with records detected in the range (for the Prometheus gauges). */
  tenantsWithAlerts(range: TriageRange): Promise<string[]>;
}

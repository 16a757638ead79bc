import type { Alert, AlertKind, AlertState, Severity } from './alert.ts';
import type { AlertGroupRef, AlertUpsert, AlertWindow } from './dedup.ts';

/**
 * Which alerts to list. Every condition given must hold; an absent or empty list places no
 * condition.
 */
export interface AlertFilter {
  readonly states?: readonly AlertState[];
  readonly severities?: readonly Severity[];
  /** This severity or higher. */
  readonly minSeverity?: Severity;
  readonly kinds?: readonly AlertKind[];
  readonly ruleRef?: string;
  /** A tactic id or name (`TA0006`, `credential-access`, `Credential Access`). */
  readonly tactic?: string;
  /** A technique (`T1059` also matches its sub-techniques, `T1059.001` only itself). */
  readonly technique?: string;
  /** The alert's host, compared case-insensitively. */
  readonly host?: string;
  /** `lastSeen` at or after this time (epoch ms). */
  readonly from?: number;
  /** `lastSeen` before this time (epoch ms). */
  readonly to?: number;
}

/** At most this many alerts per page. */
export const MAX_ALERT_PAGE = 500;

export interface AlertPageRequest {
  /** 1 to `MAX_ALERT_PAGE`. */
  readonly limit: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/** Newest first (by creation: ids are UUIDv7). `nextCursor` is there when more may follow. */
export interface AlertPage {
  readonly alerts: readonly Alert[];
  readonly nextCursor?: string;
}

/**
 * What applying one upsert did: `opened` a new alert, `updated` one (an `open` whose group
 * already had a covering window becomes an update of that alert), or nothing because every
 * occurrence had been counted before (`duplicate`).
 */
export type AppliedUpsert =
  | { readonly status: 'opened' | 'updated'; readonly alert: Alert }
  | { readonly status: 'duplicate'; readonly alertId: string };

/** What `prune` removed. */
export interface PruneResult {
  readonly occurrences: number;
  readonly windows: number;
}

/**
 * The alerts port. Reads are scoped to a tenant by their first argument: another tenant's alert
 * is never returned, and looks exactly like one that does not exist.
 */
export interface AlertStore {
  /** The latest window of each group (groups without one are left out). */
  latestWindows(groups: readonly AlertGroupRef[]): Promise<AlertWindow[]>;
  /**
   * Applies upserts atomically (one transaction, which joins the caller's unit of work), results
   * in the upserts' order. Idempotent: an occurrence counted once for a rule is never counted
   * again, so applying the same upserts twice, or the upserts of a replay, changes nothing.
   */
  applyUpserts(upserts: readonly AlertUpsert[]): Promise<AppliedUpsert[]>;
  get(tenantId: string, id: string): Promise<Alert | undefined>;
  /**
   * Sets an alert's triage state (joins the caller's unit of work); false when the tenant has no
   * such alert. Closing it (`resolved`, `merged`) ends its dedup window, so later firings of its
   * rule in its group open a new alert instead of joining a closed one.
   */
  setState(tenantId: string, id: string, state: AlertState): Promise<boolean>;
  list(tenantId: string, filter: AlertFilter, page: AlertPageRequest): Promise<AlertPage>;
  /**
   * Forgets occurrence keys recorded before `before` (processing time) and windows that ended
   * before it (event time): a replay older than that could count again, and a late event join
   * a new alert instead of an old one.
   */
  prune(before: number): Promise<PruneResult>;
}

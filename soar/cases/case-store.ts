import type { Actor, Assignee } from '../triage/triage.ts';
import type { AlertKey, KeyKind } from './alert-keys.ts';
import type { CaseRecord, CaseState } from './case.ts';

export interface CaseTask {
  readonly tenantId: string;
  readonly id: string;
  readonly caseId: string;
  readonly title: string;
  readonly state: 'open' | 'done';
  readonly assignee: Assignee | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly doneAt: number | null;
}

/** One line of a case's timeline. */
export interface CaseActivity {
  readonly id: string;
  readonly tenantId: string;
  readonly caseId: string;
  readonly at: number;
  readonly actor: Actor;
  /** `created`, an action name, `alerts.added`, `alerts.removed`, `merged`, `task.*`, `comment`. */
  readonly kind: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** An observable an analyst (or a playbook) put on a case by hand. */
export interface CaseObservable {
  readonly tenantId: string;
  readonly caseId: string;
  readonly kind: KeyKind;
  /** Normalised as alert keys are (lower case; techniques upper case). */
  readonly value: string;
  readonly note: string;
  readonly addedBy: Actor;
  readonly addedAt: number;
}

export interface CaseFilter {
  readonly states?: readonly CaseState[];
  readonly assigneeId?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

/** Cases, their alerts, tasks and timeline; joins the caller's unit of work, tenant first. */
export interface CaseStore {
  insert(record: CaseRecord): Promise<void>;
  /** The cases that exist of these ids; locked until the unit of work ends (PostgreSQL). */
  load(tenantId: string, ids: readonly string[]): Promise<Map<string, CaseRecord>>;
  update(record: CaseRecord): Promise<void>;
  /** Newest first. */
  list(
    tenantId: string,
    filter: CaseFilter,
    page: { limit: number; cursor?: string },
  ): Promise<Page<CaseRecord>>;
  /** Links alerts; an alert already in a case (this one or another) is reported, not moved. */
  linkAlerts(
    tenantId: string,
    caseId: string,
    alertIds: readonly string[],
    at: number,
  ): Promise<{ linked: string[]; elsewhere: { alertId: string; caseId: string }[] }>;
  unlinkAlert(tenantId: string, caseId: string, alertId: string): Promise<boolean>;
  /** Moves every alert, task and observable of one case to another; returns the alerts moved. */
  moveContents(tenantId: string, fromCaseId: string, toCaseId: string): Promise<number>;
  alertsOf(tenantId: string, caseId: string): Promise<string[]>;
  addTask(task: CaseTask): Promise<void>;
  loadTask(tenantId: string, caseId: string, taskId: string): Promise<CaseTask | undefined>;
  updateTask(task: CaseTask): Promise<void>;
  tasksOf(tenantId: string, caseId: string): Promise<CaseTask[]>;
  addActivity(entries: readonly CaseActivity[]): Promise<void>;
  /** Oldest first. */
  activity(
    tenantId: string,
    caseId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<CaseActivity>>;
  /** Adds observables by hand; one the case already holds is left as it is. Returns those added. */
  addObservables(observables: readonly CaseObservable[]): Promise<CaseObservable[]>;
  removeObservable(tenantId: string, caseId: string, key: AlertKey): Promise<boolean>;
  /** The observables added by hand, oldest first. */
  observablesOf(tenantId: string, caseId: string): Promise<CaseObservable[]>;
  /** The keys of the case's alerts, each with how many of its alerts have it. */
  alertKeysOf(
    tenantId: string,
    caseId: string,
  ): Promise<{ kind: KeyKind; value: string; alerts: number }[]>;
  /** Records what an alert is about (its keys), as of its detection. */
  indexKeys(
    tenantId: string,
    alertId: string,
    detectedAt: number,
    keys: readonly AlertKey[],
  ): Promise<void>;
  /** The open (or in progress) case most recently given an alert with this key since `since`. */
  openCaseWithKey(tenantId: string, key: AlertKey, since: number): Promise<string | undefined>;
  /** Alerts with this key detected since `since` that are in no case, oldest first. */
  uncasedAlertsWithKey(tenantId: string, key: AlertKey, since: number): Promise<string[]>;
  /**
   * Pivot: the latest alerts with this key (newest first), and the cases holding any of them or
   * holding the key as an observable added by hand (newest first).
   */
  withKey(
    tenantId: string,
    key: AlertKey,
    limit: number,
  ): Promise<{ alerts: { alertId: string; detectedAt: number }[]; caseIds: string[] }>;
  /** The tenant's grouping rules: key kind → window in seconds. */
  groupingRules(tenantId: string): Promise<Map<KeyKind, number>>;
  /** Sets (or, with null, removes) the tenant's rule for a key kind. */
  setGroupingRule(
    tenantId: string,
    kind: KeyKind,
    windowSeconds: number | null,
    at: number,
  ): Promise<void>;
}

// Alerts: what `detections/index.ts` re-exports of them (other modules import that file only).
export {
  ALERT_STATES,
  CLOSED_ALERT_STATES,
  DEFAULT_SEVERITY,
  MAX_ALERT_EVENT_IDS,
  MAX_ALERT_OBSERVABLES,
  OBSERVABLE_KINDS,
  SEVERITIES,
  addOccurrences,
  isAlertState,
  isSeverity,
  severityOf,
  severityRank,
} from './alert.ts';
export type {
  Alert,
  AlertCandidate,
  AlertKind,
  AlertState,
  Observable,
  ObservableKind,
  Occurrence,
  Severity,
} from './alert.ts';
export { alertFromCorrelation, alertFromMatch, correlationOriginOf } from './alert-candidates.ts';
export { observablesOfEvent, observablesOfGroup, toObservable } from './observables.ts';
export type {
  CandidateContext,
  CorrelationOrigin,
  MatchedCorrelation,
  MatchedEvent,
} from './alert-candidates.ts';
export { MAX_ALERT_PAGE } from './alert-store.ts';
export type {
  AlertFilter,
  AlertPage,
  AlertPageRequest,
  AlertStore,
  AppliedUpsert,
  PruneResult,
} from './alert-store.ts';
export { ENTERPRISE_TACTICS, attackOf, toTactic, toTechnique } from './attack.ts';
export type { AttackMapping, AttackTactic } from './attack.ts';
export {
  DEFAULT_DEDUP_POLICY,
  DEFAULT_DEDUP_WINDOW_MS,
  groupRefsOf,
  planAlertUpserts,
  windowOf,
} from './dedup.ts';
export type { AlertGroupRef, AlertUpsert, AlertWindow, DedupPolicy } from './dedup.ts';
export { DEFAULT_ALERT_GROUPING } from './grouping.ts';
export type { AlertGrouping } from './grouping.ts';
export { alertMigrations } from './migrations.ts';
export { recordAlerts } from './record-alerts.ts';
export { createRelationalAlertStore } from './relational-alert-store.ts';
export type { RelationalAlertStoreOptions } from './relational-alert-store.ts';

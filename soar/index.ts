// The soar module's front door: triage, cases, SLAs, measures and playbooks.
export { SoarError } from './errors.ts';
export type { SoarErrorCode } from './errors.ts';
export { ALERT_ORIGINS, RESOLUTIONS, applyTriage, initialTriage } from './triage/triage.ts';
export type {
  Actor,
  AlertOrigin,
  Assignee,
  Resolution,
  TriageAction,
  TriageRecord,
} from './triage/triage.ts';
export type { ActivityEntry, ActivityPage, TriageStore } from './triage/triage-store.ts';
export {
  MAX_BULK_ALERTS,
  createTriageService,
  withTriageTracking,
} from './triage/triage-service.ts';
export type { TriageResult, TriageService, TriageServiceDeps } from './triage/triage-service.ts';
export { soarMigrations } from './triage/migrations.ts';
export { createRelationalTriageStore } from './adapters/relational/relational-triage-store.ts';
export {
  MEASURES,
  TARGET_SECONDS,
  measureCsv,
  measureTriage,
  percentile,
  periodOf,
} from './measures/mttx.ts';
export type { Measure, MeasureGroup, MeasureReport, Stats } from './measures/mttx.ts';
export { createMeasureGauges } from './measures/measure-gauges.ts';
export type { MeasureGauges } from './measures/measure-gauges.ts';
export { triageRoutes } from './http/triage-routes.ts';
export { measureRoutes } from './http/measure-routes.ts';
export { DEFAULT_SLA_POLICIES, SLA_CLOCKS, WARNING_RATIO, slaClocks } from './sla/sla.ts';
export type { SlaClock, SlaClockStatus, SlaLevel, SlaPolicy } from './sla/sla.ts';
export type { SlaEvent, SlaStore } from './sla/sla-store.ts';
export { createSlaMonitor } from './sla/sla-monitor.ts';
export type { SlaCheck, SlaMonitor, SlaMonitorDeps } from './sla/sla-monitor.ts';
export { createRelationalSlaStore } from './adapters/relational/relational-sla-store.ts';
export { slaRoutes } from './http/sla-routes.ts';
export { CASE_STATES, applyCaseAction } from './cases/case.ts';
export type { CaseAction, CaseRecord, CaseState } from './cases/case.ts';
export type { CaseActivity, CaseFilter, CaseStore, CaseTask } from './cases/case-store.ts';
export { createCaseService } from './cases/case-service.ts';
export type { CaseService, CaseServiceDeps, CaseView } from './cases/case-service.ts';
export { createRelationalCaseStore } from './adapters/relational/relational-case-store.ts';
export { caseRoutes } from './http/case-routes.ts';
export { KEY_KINDS, alertKeys } from './cases/alert-keys.ts';
export type { AlertKey, KeyKind } from './cases/alert-keys.ts';
export { createCaseGrouping } from './cases/case-grouping.ts';
export type { CaseGrouping, GroupingRule, Pivot } from './cases/case-grouping.ts';
export { groupingRoutes } from './http/grouping-routes.ts';
export { playbookSchema, playbookJsonSchema, durationMs } from './playbooks/playbook-schema.ts';
export type {
  PlaybookDefinition,
  StepDefinition,
  AlertTrigger,
} from './playbooks/playbook-schema.ts';
export { parsePlaybook } from './playbooks/playbook-document.ts';
export type { PlaybookSource } from './playbooks/playbook-document.ts';
export {
  compileExpression,
  renderTemplates,
  isTruthy,
  ExpressionError,
} from './playbooks/expressions.ts';
export type { Expression } from './playbooks/expressions.ts';
export { CONTROL_ACTIONS, isControlAction } from './playbooks/actions/action.ts';
export type {
  ActionCatalog,
  ActionContext,
  ActionDefinition,
  ControlAction,
} from './playbooks/actions/action.ts';
export { createPlaybookRunner, laneOf } from './playbooks/playbook-runner.ts';
export type {
  Decision,
  PlaybookRunner,
  PlaybookRunnerDeps,
  SlaBreach,
  StartOptions,
} from './playbooks/playbook-runner.ts';
export type {
  ApprovalState,
  PlaybookRecord,
  RunRecord,
  RunStatus,
  RunStore,
  RunTrigger,
  StepRecord,
} from './playbooks/run-store.ts';
export { createRelationalRunStore } from './adapters/relational/relational-run-store.ts';
export { httpActions, DEFAULT_ENDPOINTS } from './playbooks/actions/http-actions.ts';
export type { IntegrationEndpoints } from './playbooks/actions/http-actions.ts';
export { platformActions, CONTAINMENT_ACTIONS } from './playbooks/actions/platform-actions.ts';
export type {
  ContainmentEndpoint,
  PlatformActionDeps,
} from './playbooks/actions/platform-actions.ts';
export { createActionCatalog, createValidationCatalog } from './playbooks/actions/catalog.ts';
export type { ActionCatalogDeps } from './playbooks/actions/catalog.ts';
export { loadThreatIntel, guessType } from './playbooks/intel/threat-intel.ts';
export type { ThreatIntel, Indicator, IntelMatch } from './playbooks/intel/threat-intel.ts';
export { createPlaybookService, containmentSteps } from './playbooks/playbook-service.ts';
export type {
  PlaybookService,
  Caller,
  Command,
  CommandStatusView,
  ManualStart,
} from './playbooks/playbook-service.ts';
export { COMMAND_KINDS } from './playbooks/command-store.ts';
export type { CommandStore, CommandRecord, CommandKind } from './playbooks/command-store.ts';
export { createRelationalCommandStore } from './adapters/relational/relational-command-store.ts';
export { playbookRoutes } from './http/playbook-routes.ts';
export {
  createIntegrationThrottle,
  parseConcurrency,
  parseRateLimits,
} from './playbooks/integration-throttle.ts';
export { exportCacao, importCacao } from './playbooks/cacao/cacao.ts';
export type {
  CacaoDocument,
  CacaoExportOptions,
  CacaoImport,
  CacaoImportOptions,
} from './playbooks/cacao/cacao.ts';

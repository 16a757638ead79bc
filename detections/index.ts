export { DetectionError } from './errors.ts';
export type { DetectionErrorCode } from './errors.ts';
export { loadRuleSources } from './sigma/load-rules.ts';
export type {
  CorrelationDocument,
  LoadedRule,
  RuleLoad,
  RuleOrigin,
  RuleProblem,
  RuleSource,
} from './sigma/load-rules.ts';
export type { CompiledRule, Logsource, SigmaRuleMeta } from './sigma/compile-rule.ts';
export { UNSUPPORTED_FEATURES } from './sigma/unsupported-features.ts';
export { createDetectionEngine } from './engine/detection-engine.ts';
export type {
  ActiveRule,
  DetectionEngine,
  DetectionEngineOptions,
  EngineStats,
} from './engine/detection-engine.ts';
export { loadMappings, parseMappings } from './mappings/logsource-mapping.ts';
export type { MappingSet, ResolvedLogsource } from './mappings/logsource-mapping.ts';
export { readRuleSources } from './hunt/rule-files.ts';
export { buildRuleSet, compileRuleSet, ruleRefOf } from './hunt/rule-set.ts';
export type { FallbackRule, HuntRuleSet, RuleSetOptions } from './hunt/rule-set.ts';
export type { LoadedCorrelation, RuleWarning } from './hunt/correlation-set.ts';
export { checkRuleSet } from './hunt/rule-check.ts';
export type { RuleCheckReport, UnsupportedGroup } from './hunt/rule-check.ts';
export { runHunt } from './hunt/hunt-runner.ts';
export type {
  CorrelationHit,
  HuntInput,
  HuntMatch,
  HuntOptions,
  HuntProgress,
  HuntSummary,
  RuleCount,
  RuleHit,
} from './hunt/hunt-runner.ts';
export type { HuntEvent } from './hunt/hunt-events.ts';
export { isoTime, toMatchRecord } from './hunt/match-record.ts';
export type { CorrelationMatchRecord, MatchRecord, RuleMatchRecord } from './hunt/match-record.ts';
export { RULE_LEVELS, isRuleLevel, levelRank } from './hunt/levels.ts';
export type { RuleLevel } from './hunt/levels.ts';
export {
  ALERT_STATES,
  CLOSED_ALERT_STATES,
  OBSERVABLE_KINDS,
  SEVERITIES,
  alertMigrations,
  createRelationalAlertStore,
  isSeverity,
  severityRank,
  toObservable,
} from './alerts/index.ts';
export type {
  Alert,
  AlertState,
  AlertStore,
  AppliedUpsert,
  AlertUpsert,
  Observable,
  ObservableKind,
  Severity,
} from './alerts/index.ts';
export { alertRoutes } from './http/alert-routes.ts';
export { createDetectionService } from './service/detection-service.ts';
export type {
  DetectionService,
  DetectionServiceOptions,
  DetectionSnapshot,
  ReloadReport,
  RuleDetail,
  SwitchResult,
} from './service/detection-service.ts';
export type { RuleFilter, RuleInfo, RuleKind, RulePage } from './service/rule-catalog.ts';
export { STARTER_PACK, STARTER_PACK_DIR } from './service/rule-dirs.ts';
export type { RuleDir } from './service/rule-dirs.ts';
export { ruleStateMigrations } from './service/rule-state-store.ts';
export { toPlaceholders } from './service/placeholders.ts';
export { testRule } from './service/rule-test.ts';
export type {
  RuleTestOptions,
  RuleTestResult,
  TestedCorrelation,
  TestedEvent,
  TestMatch,
} from './service/rule-test.ts';
export { detectionRoutes } from './http/detection-routes.ts';
export { createStreamingDetections } from './stream/streaming-detections.ts';
export type {
  StreamingDetections,
  StreamingDetectionsOptions,
} from './stream/streaming-detections.ts';

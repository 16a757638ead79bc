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

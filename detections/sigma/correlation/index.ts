export {
  CONDITION_OPERATORS,
  CORRELATION_TYPES,
  evaluationModeOf,
  isConditionMet,
  isFieldType,
  isStandaloneSuppressed,
} from './correlation-rule.ts';
export type {
  Comparison,
  ConditionOperator,
  CorrelationAliases,
  CorrelationCondition,
  CorrelationLevel,
  CorrelationRule,
  CorrelationType,
  EvaluationMode,
  FieldCorrelationType,
} from './correlation-rule.ts';
export { parseCorrelationRule } from './parse-correlation-rule.ts';
export type { ParseCorrelationResult } from './parse-correlation-rule.ts';
export type { CorrelationIssue } from './rule-issues.ts';
export { createCorrelationEngine } from './correlation-engine.ts';
export type {
  BaseMatch,
  CorrelationEngine,
  CorrelationEngineOptions,
  CorrelationMatch,
  CorrelationStats,
} from './correlation-engine.ts';
export type { RuleRef } from './field-values.ts';
export { parseTimespan } from './timespan.ts';

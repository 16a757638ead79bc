import { CONDITION_OPERATORS, isFieldType } from './correlation-rule.ts';
import type {
  Comparison,
  ConditionOperator,
  CorrelationCondition,
  CorrelationType,
} from './correlation-rule.ts';
import { isRecord } from './rule-issues.ts';
import type { RuleIssues } from './rule-issues.ts';

const PATH = ['correlation', 'condition'] as const;

function isOperator(key: string): key is ConditionOperator {
  return (CONDITION_OPERATORS as readonly string[]).includes(key);
}

/**
 * Validates `correlation.condition` for a rule of `type` referencing `ruleCount` rules. Temporal
 * types may omit it: all referenced rules must then match (`gte: ruleCount`).
 */
export function parseCondition(
  raw: unknown,
  type: CorrelationType,
  ruleCount: number,
  issues: RuleIssues,
): CorrelationCondition | undefined {
  const temporal = type === 'temporal' || type === 'temporal_ordered';
  if (raw === undefined || raw === null) {
    if (temporal) return { comparisons: [{ op: 'gte', value: ruleCount }], fields: [] };
    issues.invalid(['correlation'], `condition is required for ${type}`);
    return undefined;
  }
  if (typeof raw === 'string' && temporal) {
    issues.unsupported(
      'extended-temporal-condition',
      PATH,
      'a boolean expression of rule names as condition (pySigma extension) is not implemented',
    );
    return undefined;
  }
  if (!isRecord(raw)) {
    issues.invalid(PATH, 'condition must be a mapping such as {gte: 10}');
    return undefined;
  }

  const comparisons: Comparison[] = [];
  let fields: readonly string[] | undefined;
  let percentile: number | undefined;
  let valid = true;
  for (const [key, value] of Object.entries(raw)) {
    const path = [...PATH, key];
    if (isOperator(key)) {
      const threshold = parseThreshold(value, type);
      if (typeof threshold === 'string') {
        issues.invalid(path, threshold);
        valid = false;
      } else {
        comparisons.push({ op: key, value: threshold });
      }
    } else if (key === 'field' && isFieldType(type)) {
      fields = parseFields(value, type === 'value_count');
      if (fields === undefined) {
        issues.invalid(
          path,
          type === 'value_count'
            ? 'field must be a field name or a list of field names'
            : 'field must be one field name',
        );
        valid = false;
      }
    } else if (key === 'percentile' && type === 'value_percentile') {
      if (typeof value !== 'number' || !(value >= 0 && value <= 100)) {
        issues.invalid(path, 'percentile must be a number from 0 to 100');
        valid = false;
      } else {
        percentile = value;
      }
    } else {
      issues.invalid(path, unknownKeyMessage(key, type));
      valid = false;
    }
  }

  if (comparisons.length === 0 && valid) {
    issues.invalid(PATH, 'condition needs one of gt, gte, lt, lte, eq, neq');
    valid = false;
  }
  if (isFieldType(type) && fields === undefined && !Object.hasOwn(raw, 'field')) {
    issues.invalid(PATH, `${type} requires condition.field`);
    valid = false;
  }
  for (const { op, value } of temporal ? comparisons : []) {
    if (
      (op === 'gt' && value >= ruleCount) ||
      ((op === 'gte' || op === 'eq') && value > ruleCount)
    ) {
      issues.invalid([...PATH, op], `the condition can never hold: ${ruleCount} rules are listed`);
      valid = false;
    }
  }
  if (type === 'value_median') percentile = 50;
  if (
    type === 'value_percentile' &&
    percentile === undefined &&
    !Object.hasOwn(raw, 'percentile')
  ) {
    // The specification's example names no percentile and pySigma backends refuse such rules;
    // guessing one would run the rule with a meaning its author may not have had.
    issues.unsupported(
      'value_percentile-without-percentile',
      PATH,
      'value_percentile without condition.percentile: the specification defines no default',
    );
    valid = false;
  }
  if (!valid) return undefined;
  return {
    comparisons,
    fields: fields ?? [],
    ...(percentile === undefined ? {} : { percentile }),
  };
}

function parseThreshold(value: unknown, type: CorrelationType): number | string {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return 'the threshold must be a number';
  }
  const counted = type === 'value_count' || !isFieldType(type);
  if (counted && !(Number.isInteger(value) && value >= 0)) {
    return `${type} counts events: the threshold must be a whole number, 0 or more`;
  }
  return value;
}

function parseFields(value: unknown, many: boolean): readonly string[] | undefined {
  if (typeof value === 'string' && value !== '') return [value];
  if (!many || !Array.isArray(value) || value.length === 0) return undefined;
  const names = value.filter((item): item is string => typeof item === 'string' && item !== '');
  return names.length === value.length && new Set(names).size === names.length ? names : undefined;
}

function unknownKeyMessage(key: string, type: CorrelationType): string {
  if (key === 'field') return `field is only valid for value_* types, not ${type}`;
  if (key === 'percentile') return `percentile is only valid for value_percentile, not ${type}`;
  return `unknown condition key '${key}' (expected gt, gte, lt, lte, eq or neq)`;
}

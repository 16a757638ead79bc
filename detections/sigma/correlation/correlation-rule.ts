/**
 * The validated shape of a Sigma correlation rule (specification v2.0.x, with the metric types
 * `value_sum`, `value_avg`, `value_percentile` and `value_median` that SigmaHQ added later).
 */

/** Correlation types this engine evaluates. */
export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'temporal'
  | 'temporal_ordered'
  | 'value_sum'
  | 'value_avg'
  | 'value_percentile'
  | 'value_median';

/** Every supported type, in specification order. */
export const CORRELATION_TYPES: readonly CorrelationType[] = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_percentile',
  'value_median',
];

/** Types whose condition applies to a field of the events (`condition.field` is mandatory). */
export type FieldCorrelationType = Extract<CorrelationType, `value_${string}`>;

/** Comparison operators of a correlation condition. */
export type ConditionOperator = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';

export const CONDITION_OPERATORS: readonly ConditionOperator[] = [
  'gt',
  'gte',
  'lt',
  'lte',
  'eq',
  'neq',
];

/** One comparison of the condition; several are joined by AND (a range such as `gt` + `lte`). */
export interface Comparison {
  readonly op: ConditionOperator;
  readonly value: number;
}

/** When a correlation matches: every comparison holds for the window's measured value. */
export interface CorrelationCondition {
  readonly comparisons: readonly Comparison[];
  /**
   * `value_*` types: the field(s) measured. `value_count` may name several, counting distinct
   * combinations; the numeric types name exactly one.
   */
  readonly fields: readonly string[];
  /** `value_percentile` (0–100) and `value_median` (50): which percentile is measured. */
  readonly percentile?: number;
}

/**
 * `aliases`: alias name → (referenced rule id or name → the field holding the value in events
 * of that rule). An alias may appear in `group-by` and in `condition.field`.
 */
export type CorrelationAliases = Readonly<Record<string, Readonly<Record<string, string>>>>;

export type CorrelationLevel = 'informational' | 'low' | 'medium' | 'high' | 'critical';

/** A validated correlation rule. */
export interface CorrelationRule {
  readonly id?: string;
  readonly name?: string;
  readonly title: string;
  readonly description?: string;
  readonly level?: CorrelationLevel;
  readonly type: CorrelationType;
  /** Referenced rules (Sigma rules or other correlations), by id or name, in listed order. */
  readonly rules: readonly string[];
  readonly groupBy: readonly string[];
  /** The `timespan` as written (`5m`). */
  readonly timespan: string;
  readonly timespanMs: number;
  readonly condition: CorrelationCondition;
  readonly aliases: CorrelationAliases;
  /** Whether the referenced rules also alert on their own (Sigma default: false). */
  readonly generate: boolean;
}

/** True when `value` satisfies every comparison of the condition. */
export function isConditionMet(comparisons: readonly Comparison[], value: number): boolean {
  return comparisons.every((comparison) => compare(comparison, value));
}

function compare({ op, value: threshold }: Comparison, value: number): boolean {
  switch (op) {
    case 'gt':
      return value > threshold;
    case 'gte':
      return value >= threshold;
    case 'lt':
      return value < threshold;
    case 'lte':
      return value <= threshold;
    case 'eq':
      return value === threshold;
    case 'neq':
      return value !== threshold;
  }
}

/**
 * How a rule's windows are evaluated.
 *
 * `sliding`: after each event, over the events within `timespan` of the newest one in the group;
 * it fires as soon as the condition holds. Used when more events can only bring the condition
 * closer to holding: counts, distinct counts, sums and temporal proximity compared with `gt` or
 * `gte` only.
 *
 * `tumbling`: once, when the window that opened with the group's first event closes (an event of
 * the group arrives later than `timespan` after it, or the stream's watermark passes it). Used
 * for upper bounds (`lt`, `lte`), exact values (`eq`, `neq`), averages and percentiles, whose
 * truth is only known once no more events can enter the window.
 */
export type EvaluationMode = 'sliding' | 'tumbling';

const GROWING_TYPES: ReadonlySet<CorrelationType> = new Set([
  'event_count',
  'value_count',
  'value_sum',
  'temporal',
  'temporal_ordered',
]);

export function evaluationModeOf(
  rule: Pick<CorrelationRule, 'type' | 'condition'>,
): EvaluationMode {
  const lowerBoundsOnly = rule.condition.comparisons.every(({ op }) => op === 'gt' || op === 'gte');
  return GROWING_TYPES.has(rule.type) && lowerBoundsOnly ? 'sliding' : 'tumbling';
}

/** True for the types that measure a field of the events. */
export function isFieldType(type: CorrelationType): type is FieldCorrelationType {
  return type.startsWith('value_');
}

/**
 * True when a base rule should not alert on its own: at least one correlation references it (by
 * id or name) and none of those correlations sets `generate: true`.
 */
export function isStandaloneSuppressed(
  rule: { readonly id?: string | undefined; readonly name?: string | undefined },
  correlations: readonly CorrelationRule[],
): boolean {
  const referencing = correlations.filter((correlation) =>
    correlation.rules.some((ref) => ref === rule.id || ref === rule.name),
  );
  return referencing.length > 0 && referencing.every((correlation) => !correlation.generate);
}

import type { RuleProblem } from '../sigma/load-rules.ts';
import { UNSUPPORTED_FEATURES } from '../sigma/unsupported-features.ts';
import type { RuleWarning } from './correlation-set.ts';
import type { HuntRuleSet } from './rule-set.ts';

/** Rules that need one unsupported feature. */
export interface UnsupportedGroup {
  readonly feature: string;
  /** What the feature is, from `UNSUPPORTED_FEATURES` (correlation features: the first rule's message). */
  readonly reason: string;
  readonly count: number;
  readonly rules: readonly RuleProblem[];
}

/** What `secops rules check` reports about a corpus. */
export interface RuleCheckReport {
  readonly files: number;
  /** Rules that load: detection rules plus correlation rules. */
  readonly supported: number;
  readonly detectionRules: number;
  readonly correlationRules: number;
  readonly unsupported: number;
  /** By feature, most rules first. */
  readonly unsupportedByFeature: readonly UnsupportedGroup[];
  readonly invalid: readonly RuleProblem[];
  /** Loaded rules reading the generic logsource fallback, by logsource key (most rules first). */
  readonly fallback: {
    readonly rules: number;
    readonly logsources: readonly { readonly logsource: string; readonly rules: number }[];
  };
  readonly warnings: readonly RuleWarning[];
}

export function checkRuleSet(set: HuntRuleSet): RuleCheckReport {
  const groups = new Map<string, RuleProblem[]>();
  const invalid: RuleProblem[] = [];
  for (const problem of set.problems) {
    if (problem.kind === 'invalid') {
      invalid.push(problem);
      continue;
    }
    const list = groups.get(problem.feature) ?? [];
    list.push(problem);
    groups.set(problem.feature, list);
  }
  const unsupportedByFeature = [...groups]
    .map(([feature, rules]) => ({
      feature,
      reason: UNSUPPORTED_FEATURES[feature] ?? rules[0]?.message ?? feature,
      count: rules.length,
      rules,
    }))
    .sort((a, b) => b.count - a.count || (a.feature < b.feature ? -1 : 1));
  const byLogsource = new Map<string, number>();
  for (const rule of set.fallbacks)
    byLogsource.set(rule.logsource, (byLogsource.get(rule.logsource) ?? 0) + 1);
  return {
    files: set.files,
    supported: set.rules.length + set.correlations.length,
    detectionRules: set.rules.length,
    correlationRules: set.correlations.length,
    unsupported: set.problems.length - invalid.length,
    unsupportedByFeature,
    invalid,
    fallback: {
      rules: set.fallbacks.length,
      logsources: [...byLogsource]
        .map(([logsource, rules]) => ({ logsource, rules }))
        .sort((a, b) => b.rules - a.rules || (a.logsource < b.logsource ? -1 : 1)),
    },
    warnings: set.warnings,
  };
}

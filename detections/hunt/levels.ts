/** Sigma rule levels, lowest first. */
export const RULE_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;

export type RuleLevel = (typeof RULE_LEVELS)[number];

export function isRuleLevel(value: string): value is RuleLevel {
  return (RULE_LEVELS as readonly string[]).includes(value);
}

/** 0 (informational) to 4 (critical); a rule without a level ranks as informational. */
export function levelRank(level: string | undefined): number {
  return Math.max(0, RULE_LEVELS.indexOf((level ?? 'informational') as RuleLevel));
}

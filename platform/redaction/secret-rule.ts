/**
 * How a detection rule for one kind of secret looks. Rules are pure: given a string they report
 * the spans that hold the secret itself (not the surrounding key or scheme), so the scanner can
 * mask exactly those characters and keep the rest readable.
 */

/** Receives one secret span: `start` inclusive, `end` exclusive, as UTF-16 offsets. */
export type ReportSpan = (start: number, end: number) => void;

/**
 * How much a match says on its own. When spans from two rules overlap, the more specific rule
 * names the merged span (`password=ghp_...` is reported as a GitHub token, not an assignment).
 */
export type RuleSpecificity = 'format' | 'context' | 'generic';

export interface SecretRule {
  /** Stable kebab-case id; appears in `[REDACTED:<id>]` and in redaction records. */
  readonly id: string;
  /** One line saying what the rule catches, for docs and rule listings. */
  readonly description: string;
  readonly specificity: RuleSpecificity;
  /**
   * Regular-expression sources (no flags; `(?i:...)` for case-insensitive parts; no
   * backreferences, since anchors are joined into one regex). The rule can only ever match where
   * one of them matches: the scanner's prefilter is built from every rule's anchors and `find`
   * runs only when one of its own matched. Lead with a rare character where possible (`_`, `-`,
   * `.`, `@`, an upper-case letter) and look behind for the rest: see `prefilter.ts`.
   */
  readonly anchors: readonly string[];
  /** Reports every secret span in `text`. Must run in time linear in `text.length`. */
  find(text: string, report: ReportSpan): void;
}

/** One secret found in a string. Offsets only: the secret itself is never part of a finding. */
export interface SecretFinding {
  readonly rule: string;
  readonly start: number;
  readonly end: number;
}

import { createPrefilter } from './prefilter.ts';
import { RedactionError } from './redaction-errors.ts';
import { defaultSecretRules } from './rules/default-rules.ts';
import type { RuleSpecificity, SecretFinding, SecretRule } from './secret-rule.ts';

export interface SecretScannerOptions {
  /** Rules to run, in tie-break order. Defaults to `defaultSecretRules`; filter or extend it. */
  readonly rules?: readonly SecretRule[];
}

export interface RedactionResult {
  /** The input with each secret replaced by `[REDACTED:<rule-id>]`; the input itself when clean. */
  readonly text: string;
  /** Ids of the rules that fired, each once, in order of first appearance. */
  readonly rules: readonly string[];
}

export interface SecretScanner {
  /** The rules this scanner runs. */
  readonly rules: readonly SecretRule[];
  /** Where the secrets are: non-overlapping spans sorted by offset. Never the secret text. */
  readonly scan: (text: string) => readonly SecretFinding[];
  /**
   * Masks every secret span with `[REDACTED:<rule-id>]`, keeping keys, user names and schemes.
   * A plain function: it may be passed around detached from the scanner.
   */
  readonly redact: (text: string) => RedactionResult;
}

const NO_FINDINGS: readonly SecretFinding[] = Object.freeze([]);
const NO_RULES: readonly string[] = Object.freeze([]);
const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const RANK: Readonly<Record<RuleSpecificity, number>> = { format: 2, context: 1, generic: 0 };

interface Candidate {
  readonly order: number;
  readonly rank: number;
  readonly start: number;
  end: number;
}

/**
 * Builds a scanner over a rule set. Almost no string holds a secret, so a prefilter built from
 * every rule's anchors decides first, and only the rules owning a matching anchor run.
 */
export function createSecretScanner(options: SecretScannerOptions = {}): SecretScanner {
  const rules = Object.freeze([...(options.rules ?? defaultSecretRules)]);
  validateRules(rules);
  const prefilter = createPrefilter(rules);

  // Reused between calls: scanning is synchronous and rules never call back into the scanner.
  const selected = new Uint8Array(rules.length);

  const scan = (text: string): readonly SecretFinding[] => {
    if (!prefilter.select(text, selected)) return NO_FINDINGS;
    const toRun: number[] = [];
    for (let i = 0; i < rules.length; i++) {
      if (selected[i] === 1) toRun.push(i);
      selected[i] = 0;
    }
    const candidates: Candidate[] = [];
    let order = 0;
    let rank = 0;
    const report = (start: number, end: number): void => {
      if (start >= 0 && end <= text.length && start < end) {
        candidates.push({ order, rank, start, end });
      }
    };
    for (order of toRun) {
      const rule = rules[order];
      if (rule === undefined) continue;
      rank = RANK[rule.specificity];
      rule.find(text, report);
    }
    if (candidates.length === 0) return NO_FINDINGS;
    return merge(candidates).map((c) => ({
      rule: rules[c.order]?.id ?? 'unknown',
      start: c.start,
      end: c.end,
    }));
  };

  const redact = (text: string): RedactionResult => {
    const findings = scan(text);
    if (findings.length === 0) return { text, rules: NO_RULES };
    const fired: string[] = [];
    let out = '';
    let last = 0;
    for (const { rule, start, end } of findings) {
      out += `${text.slice(last, start)}[REDACTED:${rule}]`;
      last = end;
      if (!fired.includes(rule)) fired.push(rule);
    }
    return { text: out + text.slice(last), rules: fired };
  };

  return Object.freeze({ rules, scan, redact });
}

/**
 * Orders spans by start, longest first, most specific first, and unions overlaps so that no
 * character of any reported span escapes masking. The first span of a cluster names it.
 */
function merge(candidates: Candidate[]): Candidate[] {
  candidates.sort(
    (a, b) => a.start - b.start || b.end - a.end || b.rank - a.rank || a.order - b.order,
  );
  const merged: Candidate[] = [];
  for (const next of candidates) {
    const current = merged.at(-1);
    if (current !== undefined && next.start < current.end) {
      current.end = Math.max(current.end, next.end);
    } else {
      merged.push({ ...next });
    }
  }
  return merged;
}

function validateRules(rules: readonly SecretRule[]): void {
  const seen = new Set<string>();
  for (const rule of rules) {
    if (!RULE_ID.test(rule.id) || seen.has(rule.id)) {
      throw new RedactionError(
        'REDACTION_RULE_INVALID',
        `rule id ${JSON.stringify(rule.id)} is not kebab-case or is used twice`,
      );
    }
    seen.add(rule.id);
    if (rule.anchors.length === 0 || !(rule.specificity in RANK)) {
      throw new RedactionError(
        'REDACTION_RULE_INVALID',
        `rule ${rule.id} needs at least one anchor and a known specificity`,
      );
    }
    for (const anchor of rule.anchors) {
      try {
        new RegExp(anchor);
      } catch (cause) {
        throw new RedactionError(
          'REDACTION_RULE_INVALID',
          `rule ${rule.id} has an invalid anchor`,
          {
            cause,
          },
        );
      }
    }
  }
}
